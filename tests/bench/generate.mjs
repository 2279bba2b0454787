// Generated comments documents for the benchmark: the same bytes for every runtime (seeded).
// About 500 bytes per comment: names, locations, ISO dates, {up, down} votes, texts of one to
// four paragraphs with some punctuation that needs escaping and some non-ASCII text.
const WORDS = ('the of and to in is that it was for on are as with his they at be this have from or one had by ' +
  'word but not what all were we when your can said there use an each which she do how their if will up other ' +
  'about out many then them these so some her would make like him into time has look two more write go see ' +
  'number no way could people my than first water been call who oil its now find long down day did get come ' +
  'made may part security council partnership treaty café naïve Москва 東京 😀 <b> & "quoted" it\'s').split(' ');
const NAMES = ['Mary D.', 'Ron', 'Gaspar', 'Ana María', 'Jürgen', 'Łukasz', 'Chloé', 'Dmitri', 'O\'Brien', 'Li Wei'];
const PLACES = ['Kansas, USA', 'New York, USA', 'Kenya', 'Zürich, Switzerland', '', 'Москва, Россия', 'Lagos'];

function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

export function generateDocument(n, seed = 1) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const comments = [];
  const base = Date.UTC(2010, 8, 25, 14, 3);
  for (let i = 0; i < n; i++) {
    const paragraphs = 1 + Math.floor(r() * r() * 4);
    const text = [];
    for (let p = 0; p < paragraphs; p++) {
      const words = [];
      const count = 8 + Math.floor(r() * 40);
      for (let w = 0; w < count; w++) words.push(pick(WORDS));
      text.push(words.join(' ') + '.');
    }
    let parent = null;
    if (i > 0 && r() < 0.65) parent = 'c' + (r() < 0.5 ? i - 1 - Math.floor(r() * Math.min(i, 5)) : Math.floor(r() * i));
    const place = pick(PLACES);
    comments.push({
      id: 'c' + i,
      parent,
      author: place ? { name: pick(NAMES), location: place } : pick(NAMES),
      created: new Date(base + i * 37000 + Math.floor(r() * 30000)).toISOString().replace('.000Z', 'Z'),
      text: text.join('\n\n'),
      votes: { up: Math.floor(r() * 50), down: Math.floor(r() * 10) },
      status: 'published',
    });
  }
  return JSON.stringify({ thread: '/bench/' + n, comments, next: null });
}
