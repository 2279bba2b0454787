/*! Colloquy: posting. */
// Posting (DESIGN §3), fetched by colloquy.js only when a reader starts writing or has posts not
// sent yet: compose forms, drafts, the outbox, the browser-storage thread. The core renders the
// forms and comments, checks drafts, judges the server's answers and says where a new comment
// goes; this script only moves text between the form, localStorage, the core and the server.
// Nothing the reader typed is dropped: it is a draft until it is in the outbox, and stays in the
// outbox until the server has answered with the stored comment (or refused it, when it goes back
// into a form).
(function () {
  'use strict';

  // The reader's drafts, name, outbox and browser-storage threads live in localStorage under
  // "colloquy:"; a storage that refuses (private browsing, quota) costs durability, never a post.
  var STORE = 'colloquy:';
  function stored(key, fallback) {
    try {
      var v = window.localStorage.getItem(STORE + key);
      return v ? JSON.parse(v) : fallback;
    } catch (e) { return fallback; }
  }
  function storeWith(warn, key, value) {
    try {
      if (value === null) window.localStorage.removeItem(STORE + key);
      else window.localStorage.setItem(STORE + key, JSON.stringify(value));
      return true;
    } catch (e) {
      warn('browser storage refused to save: ' + e.message, 'private browsing or storage full');
      return false;
    }
  }
  // The parts after `prefix` of the stored keys that start with it.
  function storedKeys(prefix) {
    var out = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var k = window.localStorage.key(i);
        if (k && k.indexOf(STORE + prefix) === 0) out.push(k.slice(STORE.length + prefix.length));
      }
    } catch (e) { /* no storage: no drafts */ }
    return out;
  }
  // Without a comments endpoint the whole thread lives in this browser (see README, "Posting").
  function localThread(thread) {
    var doc = stored('thread:' + thread, null);
    return doc && Array.isArray(doc.comments) ? doc : { thread: thread, comments: [] };
  }

  // The outbox holds every thread's unsent posts, so any page of the site can send them.
  function outboxAll() {
    var all = stored('outbox', []);
    return Array.isArray(all) ? all.filter(function (i) { return i && i.clientId && i.body && i.comment; }) : [];
  }
  // A post's idempotency key: minted once, then kept through every retry and reload.
  function newClientId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256); // unique, not secret
    b[6] = (b[6] & 15) | 64; // RFC 4122 version 4
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  // Posting for one widget; `w` is what the loader shares of it (colloquy.js, bridge).
  function attach(w) {
    var root = w.root, state = w.state, CODES = /*@COLLOQUY_CODES@*/{}; // by the build, as the loader's
    function store(key, value) { return storeWith(w.warn, key, value); }
    var timers = new Map(); // form -> debounce timer
    var inflight = {};      // clientId -> true while its POST is out
    var known = {};         // clientId -> outbox item, also when the browser's storage refuses it
    var backoff = {};       // clientId -> {timer, attempts}
    var formKeys = new WeakMap(); // form -> its draft key, fixed when the form was made
    var focusWanted = {};   // clientId -> the data-action to focus when its article is shown again

    function guard(fn) {
      return function (a, b) {
        try { return fn(a, b); } catch (e) { w.warn('posting failed: ' + e.message); }
      };
    }
    function draftKey(parent, where) { return 'draft:' + (where || w.placeKey()) + '\n' + (parent || ''); }
    function myOutbox() {
      return outboxAll().filter(here);
    }
    function outboxSave(item) {
      return store('outbox', outboxAll().filter(function (i) { return i.clientId !== item.clientId; }).concat([item]));
    }
    function outboxDrop(clientId) {
      store('outbox', outboxAll().filter(function (i) { return i.clientId !== clientId; }));
    }
    // Whether an outbox item belongs to the thread and endpoint on show.
    function here(item) { return item.endpoint === w.endpoint() && item.body.thread === state.o.thread; }
    function list() { return w.commentsSlot.querySelector('.list'); }
    function depthOf(el) { return parseInt(el.getAttribute('data-depth'), 10) || 0; }
    function findArticle(attr, id) {
      var l = list();
      return l && id ? l.querySelector('div.comment[' + attr + '="' + CSS.escape(String(id)) + '"]') : null;
    }

    // Where a comment goes, from the core: the thread's pages plus this comment as a page of its
    // own in, its id, parent, status and the comment it follows under the sort on show out.
    function spotOf(pages) {
      var spot = JSON.parse(w.plain('colloquy_place_comment', pages, {}));
      if (!spot.ok) w.warn('a comment could not be shown: ' + spot.error.code, spot.error.message);
      return spot;
    }
    // Shows a comment (its JSON) where the thread has it, marked `how` (stored, sending, unsent),
    // in place of the article of `replaces` (a clientId). `commit`: it joins the thread's pages
    // as one more page, so re-sorting keeps it, and the header's count follows. A comment the
    // thread already shows is not shown twice. Returns the core's spot.
    function show(json, how, clientId, replaces, commit) {
      var pages = (state.comments || []).concat('[' + json + ']');
      var spot = spotOf(pages);
      var old = replaces ? findArticle('data-client-id', replaces) : null;
      var shown = spot.ok && findArticle('data-id', spot.id);
      if (!spot.ok || (shown && !shown.hasAttribute('data-client-id'))) {
        if (old && shown) old.remove();
        return spot;
      }
      if (commit) {
        state.comments = pages;
        var count = w.commentsSlot.querySelector('section.comments > header > h2');
        if (count) count.textContent = spot.count;
      }
      var parent = spot.parent ? findArticle('data-id', spot.parent) : null;
      var r = w.call('colloquy_render_comment', json, { parentDepth: parent ? depthOf(parent) : -1, state: how, clientId: clientId || '' });
      if (!r.meta.ok) { w.warn('a comment could not be shown: ' + r.meta.error.code, r.meta.error.message); return spot; }
      var focus = old && old.contains(root.activeElement) ? root.activeElement.getAttribute('data-action') || '' : null;
      if (old) old.remove();
      var node = w.htmlNode(r.html);
      insert(node, spot.after);
      if (focus !== null) keepFocus(node, focusWanted[replaces] || focus, replaces);
      return spot;
    }
    // Focus stays where the reader had it when their comment's article is replaced (sending,
    // unsent, stored): on the same button when the new one has it (Retry), else on the article,
    // and the button is wanted again when it comes back.
    function keepFocus(node, action, clientId) {
      var button = action && node.querySelector('button[data-action="' + action + '"]');
      if (button) delete focusWanted[clientId];
      else if (action) focusWanted[clientId] = action;
      focusOn(button || node);
    }
    function focusOn(el) {
      if (el.matches('div.comment')) el.tabIndex = -1; // focused by script, not a Tab stop
      el.focus();
    }
    // The posting status, said by the widget's polite live region: "Comment posted", "Not sent yet".
    function announce(key) { say(w.plain('colloquy_action_message', key, {})); }
    function say(text) {
      w.loadPart('act').then((act) => act.announce(w, text), (e) => w.warn(e.message));
    }
    // After the comment it follows (and that one's open reply form and unsent replies); first
    // when it follows none; at the end of what is shown when that one is on a later page.
    function insert(node, after) {
      var l = list();
      if (!l) return;
      var prev = after && findArticle('data-id', after);
      if (!after) return l.prepend(node);
      if (!prev) return l.append(node);
      while (prev.nextElementSibling && prev.nextElementSibling.matches('form.compose, div.comment[data-client-id]')) prev = prev.nextElementSibling;
      prev.after(node);
    }
    function showLocal(item, how) {
      show(JSON.stringify(item.comment), how, item.clientId, item.clientId, false);
    }

    // A form the loader made: filled from its draft and the remembered name, never over what
    // the reader has typed already (the first keys may come before this script), and the
    // remembered name never into the field the reader has just stepped into to type (a form
    // first filled on that focus: another widget's, shown before the reader first posted).
    function fillForm(form) {
      if (formKeys.has(form)) return form;
      formKeys.set(form, draftKey(form.getAttribute('data-parent'), form.colloquyPlace));
      var draft = stored(formKeys.get(form), null) || {};
      var me = stored('author', null) || {};
      var f = form.elements;
      var typed = f.text.value;
      var here = form.getRootNode().activeElement;
      f.name.value = f.name.value || draft.name || (f.name === here ? '' : me.name) || '';
      f.location.value = f.location.value || draft.location || (f.location === here ? '' : me.location) || '';
      f.text.value = f.text.value || draft.text || '';
      if (typed) saveDraft(form);
      updatePreview(form);
      return form;
    }
    function openReply(article) {
      var id = article.getAttribute('data-id');
      var next = article.nextElementSibling;
      var form = next && next.matches('form.compose') && next.getAttribute('data-parent') === id ? next : null;
      if (!form) article.after(form = w.newForm(id, depthOf(article)));
      return fillForm(form);
    }
    function updatePreview(form) {
      var text = form.elements.text.value;
      var box = form.querySelector('.preview');
      if (!/\S/.test(text)) { box.hidden = true; box.lastChild.textContent = ''; return; }
      box.lastChild.innerHTML = w.trusted(w.call('colloquy_preview', text, {}).html);
      box.hidden = false;
    }
    // The place a form was made for ("<endpoint>\n<thread>", colloquy.js): what it posts goes
    // there, even when a single-page site has moved the widget on since.
    function placeOf(form) {
      var p = form.colloquyPlace || w.placeKey(), cut = p.indexOf('\n');
      return { key: p, endpoint: p.slice(0, cut), thread: p.slice(cut + 1) };
    }
    function rawDraft(form) {
      var f = form.elements;
      return { thread: placeOf(form).thread, parent: form.getAttribute('data-parent') || null,
        author: { name: f.name.value, location: f.location.value }, text: f.text.value, honeypot: f.website.value };
    }
    function saveDraft(form) {
      var f = form.elements;
      if (f.name.value || f.location.value) store('author', { name: f.name.value, location: f.location.value });
      store(formKeys.get(form), f.text.value ? { name: f.name.value, location: f.location.value, text: f.text.value } : null);
    }
    // Shows the core's problems ({code, field, message} in the widget's language) by their fields.
    // A slot (role="alert") is written only when its words change: a screen reader says an
    // alert again on every write, and the form is checked again at each pause in typing.
    function showProblems(form, problems) {
      var texts = new Map(), invalid = [], first = null;
      problems.forEach(function (p) {
        var slot = form.querySelector('.error[data-for="' + CSS.escape(p.field || '') + '"]') || form.querySelector('.error[data-for=""]');
        texts.set(slot, (texts.has(slot) ? texts.get(slot) + ' ' : '') + p.message);
        var input = p.field && form.elements[p.field];
        if (input && input.setAttribute) { invalid.push(input); first = first || input; }
      });
      Array.prototype.forEach.call(form.querySelectorAll('.error'), function (slot) {
        var text = texts.get(slot) || '';
        if (slot.textContent !== text) slot.textContent = text;
        slot.hidden = !text;
      });
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (e) {
        if (invalid.indexOf(e) < 0) e.removeAttribute('aria-invalid');
      });
      invalid.forEach(function (input) { input.setAttribute('aria-invalid', 'true'); });
      return first;
    }
    // Problems from elsewhere (the server, the browser) worded by the core in the widget's language.
    function describe(problems) {
      return w.call('colloquy_describe_problems', JSON.stringify(problems), {}).meta.problems || problems;
    }
    function check(form) {
      return w.call('colloquy_check_compose', JSON.stringify(rawDraft(form)), { requireClientId: false }).meta;
    }

    function submit(form) {
      if (form.hasAttribute('data-edit')) return saveEdit(form);
      fillForm(form);
      clearTimeout(timers.get(form));
      var checked = check(form);
      // A filled honeypot is a bot: nothing is posted, and nothing tells it why.
      if (checked.problems.some(function (p) { return p.code === CODES.honeypot_filled; })) return;
      var first = showProblems(form, checked.problems);
      if (!checked.ok) { if (first) first.focus(); return; }
      var body = checked.draft;
      body.clientId = newClientId();
      store('author', { name: body.author.name, location: body.author.location });
      var comment = { id: body.clientId, parent: body.parent, author: body.author, created: new Date().toISOString(), text: body.text };
      var to = placeOf(form), item = { clientId: body.clientId, endpoint: to.endpoint, body: body, comment: comment };
      // Saved before the form lets go of the text: from here on the outbox (or the thread) has it.
      if (!to.endpoint) {
        var doc = localThread(to.thread);
        doc.comments.push(comment);
        if (!store('thread:' + to.thread, doc)) return showProblems(form, describe([{ code: CODES.storage_refused, field: '' }]));
      } else outboxSave(item);
      store(formKeys.get(form), null);
      if (form.getAttribute('data-parent')) form.remove();
      else { form.elements.text.value = ''; updatePreview(form); }
      // Focus goes to the new comment (a reply form is gone, and the bottom one is done with).
      if (!to.endpoint) {
        if (to.key !== w.placeKey()) return; // kept in its own thread, shown there
        keepEdit(editsKey(), comment.id, { clientId: body.clientId, until: Date.now() + Number(state.o.editWindow) });
        var spot = show(JSON.stringify(comment), 'stored', '', '', true);
        var shown = spot.ok && findArticle('data-id', spot.id);
        if (shown) focusOn(shown);
        announce('comment_posted');
      } else {
        send(item);
        var sending = findArticle('data-client-id', item.clientId);
        if (sending) focusOn(sending);
      }
    }

    function send(item) {
      if (inflight[item.clientId] || item.done) return;
      inflight[item.clientId] = true;
      known[item.clientId] = item;
      if (here(item)) showLocal(item, 'sending');
      var abort = new AbortController();
      var timer = setTimeout(function () { abort.abort(); }, state.o.postTimeout);
      fetch(item.endpoint, {
        method: 'POST', credentials: 'same-origin', signal: abort.signal,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(item.body)
      }).then(function (res) {
        return res.text().then(function (text) {
          // The core judges the answer: the stored comment, a refusal for good (the text goes
          // back into a form with the reason; an unusable answer is one too, bad_answer), or a
          // failure worth retrying.
          var verdict = JSON.parse(w.plain('colloquy_judge_answer', text, { status: res.status }));
          if (verdict.outcome === 'delivered') return delivered(item, text);
          if (verdict.outcome !== 'refused') throw new Error('HTTP ' + res.status);
          if (verdict.error.code === CODES.bad_answer) w.warn('the comments server answered ' + res.status + ' with nothing usable', 'it must answer JSON (DESIGN §3)');
          return refused(item, verdict.error);
        });
      }).catch(function (e) {
        inflight[item.clientId] = false;
        if (item.done) return; // answered; what failed was showing the answer
        w.warn('comment not sent yet: ' + (e.name === 'AbortError' ? 'no answer in ' + state.o.postTimeout + ' ms' : e.message),
          'it stays in this browser and is sent again when the network returns');
        if (here(item)) { showLocal(item, 'unsent'); announce('not_sent'); }
        retryLater(item);
      }).then(function () { clearTimeout(timer); inflight[item.clientId] = false; });
    }
    // While the page is open an unsent post is tried again on its own: after 2 s, 4 s, 8 s, ...
    // up to a minute apart (with jitter, so a server coming back is not hit all at once).
    function retryLater(item) {
      var b = backoff[item.clientId] || (backoff[item.clientId] = { attempts: 0 });
      clearTimeout(b.timer);
      var delay = Math.min(60000, 2000 * Math.pow(2, b.attempts++)) * (0.8 + 0.4 * Math.random());
      b.timer = setTimeout(function () { if (!item.done) send(item); }, delay);
    }
    function finish(item) {
      item.done = true;
      outboxDrop(item.clientId);
      if (backoff[item.clientId]) clearTimeout(backoff[item.clientId].timer);
    }
    // The reader's own comments awaiting moderation: the server lists only published ones, so
    // they are kept here ({id, text: the server's answer, kept}, 30 days at most) and join the
    // thread the widget renders from (with Edit and Delete while their window is open) until the
    // server lists them.
    var MINE_DAYS = 30;
    function mineKey(item) { return 'pending:' + (item ? item.endpoint + '\n' + item.body.thread : w.placeKey()); }
    function mine(item) {
      var all = stored(mineKey(item), []);
      var fresh = Date.now() - MINE_DAYS * 864e5;
      return Array.isArray(all) ? all.filter(function (m) { return m && typeof m.text === 'string' && m.kept > fresh; }) : [];
    }
    function showMine() {
      // Called right after the thread is rendered: one it shows published has been approved.
      // One the server lists awaiting moderation is there without its text, for its replies
      // (README, "PATCH"): the reader's own copy takes its place.
      var kept = mine().filter(function (m) {
        var held = state.comments.length;
        var spot = show(m.text, 'stored', '', '', true);
        var article = spot.ok && findArticle('data-id', spot.id);
        m.id = spot.id;
        if (article && state.comments.length === held && article.classList.contains('pending')) {
          learn(m.text);
          article = rerender(m.id);
        }
        return !!article && article.classList.contains('pending');
      });
      store(mineKey(), kept.length ? kept : null);
    }
    // An edit of one of them is kept as the server answered it (null: deleted, forgotten); so is
    // an edit of a published comment that the server holds for moderation.
    function keepMine(id, text) {
      var all = mine();
      if (!all.some(function (m) { return m.id === id; })) {
        if (text && spotOf('[' + text + ']').pending) store(mineKey(), all.concat([{ id: id, text: text, kept: Date.now() }]));
        return;
      }
      all = all.filter(function (m) { return m.id !== id || text; });
      all.forEach(function (m) { if (m.id === id) m.text = text; });
      store(mineKey(), all.length ? all : null);
    }
    // The server stored the comment: the answer (its bytes; only its edit token is read here)
    // joins the thread.
    function delivered(item, text) {
      finish(item);
      keepToken(item, text);
      var spot = here(item) ? show(text, 'stored', '', item.clientId, true) : spotOf('[' + text + ']');
      if (here(item)) announce('comment_posted');
      if (spot.ok && spot.pending) store(mineKey(item), mine(item).concat([{ id: spot.id, text: text, kept: Date.now() }]));
    }
    function refused(item, error) {
      finish(item);
      var b = item.body;
      if (!here(item)) { // the reader has moved on: the text waits as that thread's draft
        store(draftKey(b.parent, item.endpoint + '\n' + b.thread), { name: b.author.name, location: b.author.location, text: b.text });
        return;
      }
      var local = findArticle('data-client-id', item.clientId);
      // The focus was on the comment being sent (where submit put it) or is lost: it goes to
      // what the reader must mend, the first field in error, else the form's error.
      var active = w.root.activeElement;
      var refocus = active ? local && local.contains(active) : !document.activeElement || document.activeElement === document.body;
      if (local) local.remove();
      var parent = b.parent ? findArticle('data-id', b.parent) : null;
      var form = parent ? openReply(parent) : w.composeSlot.querySelector('form.compose');
      if (!form) return;
      fillForm(form);
      form.elements.name.value = b.author.name;
      form.elements.location.value = b.author.location;
      form.elements.text.value = b.text;
      saveDraft(form);
      updatePreview(form);
      var first = showProblems(form, describe([error]));
      if (!refocus) return;
      if (first) return first.focus();
      var slot = form.querySelector('.error:not([hidden])');
      if (slot) { slot.tabIndex = -1; slot.focus(); }
    }
    // The outbox of this thread, plus the posts of this visit that storage refused to keep.
    function waiting() {
      var items = myOutbox();
      Object.keys(known).forEach(function (id) {
        if (!known[id].done && here(known[id]) && !items.some(function (i) { return i.clientId === id; })) items.push(known[id]);
      });
      return items;
    }
    function flushOutbox() { waiting().forEach(send); }

    // After each render of the thread: comments awaiting moderation, the outbox's comments,
    // the forms filled from their drafts, reply drafts reopened, the outbox sent.
    var place = (w.composeSlot.firstChild && w.composeSlot.firstChild.colloquyPlace) || w.placeKey();
    function afterRender() {
      // Another thread or endpoint (a single-page site's update, perhaps before this script came):
      // the drafts typed so far are saved under their own, and the bottom form is made again.
      if (place !== w.placeKey()) {
        Array.prototype.forEach.call(root.querySelectorAll('form.compose:not(.edit)'), fillForm);
        leave();
        w.composeSlot.replaceChildren(w.newForm('', -1));
        place = w.placeKey();
      }
      // Without an endpoint, the reader is told once that comments stay in this browser.
      if (!state.o.comments && !w.frame.querySelector('.note') && !stored('told-local', false)) {
        store('told-local', true);
        var note = document.createElement('p');
        note.className = 'note';
        note.textContent = w.message('local_only');
        w.composeSlot.before(note);
      }
      showMine();
      waiting().forEach(function (item) { showLocal(item, 'unsent'); });
      Array.prototype.forEach.call(root.querySelectorAll('form.compose:not(.edit)'), fillForm);
      watchWindows();
      storedKeys(draftKey('')).forEach(function (parent) {
        var article = parent && findArticle('data-id', parent);
        if (article) openReply(article);
      });
      flushOutbox();
    }

    var onClick = guard(function (event) {
      var button = event.target.closest && event.target.closest('button[data-action]');
      if (!button || !root.contains(button)) return;
      var action = button.getAttribute('data-action');
      var article = button.closest('div.comment');
      if (action === 'cancel' && button.closest('form.edit')) closeEdit(button.closest('form.edit'));
      else if (action === 'cancel') closeReply(button.closest('form.compose'));
      else if (action === 'keep') closeConfirm(button.closest('.confirm'));
      else if (action === 'confirm-delete' && article) remove(article);
      else if (action === 'retry' && article) {
        var id = article.getAttribute('data-client-id');
        if (button === root.activeElement) focusWanted[id] = 'retry';
        waiting().forEach(function (i) { if (i.clientId === id) send(i); });
      }
    });
    // Link: the comment's URL (this page without its hash, #comment-<id>) goes to the clipboard,
    // and the live region says so; when the browser refuses (no permission, not a secure page),
    // a field under the comment holds the URL, focused and selected, for the reader to copy.
    function link(article) {
      if (!article || article.hasAttribute('data-client-id')) return;
      var url = location.href.split('#')[0] + '#comment-' + encodeURIComponent(article.getAttribute('data-id'));
      var copy = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject(new Error('no clipboard'));
      copy.then(function () { announce('link_copied'); }, guard(function () {
        var field = article.querySelector('.copy-link input');
        if (!field) {
          var line = document.createElement('p');
          line.className = 'copy-link';
          var label = document.createElement('label');
          label.textContent = w.plain('colloquy_action_message', 'copy_link', {}) + ' ';
          field = document.createElement('input');
          field.readOnly = true;
          label.appendChild(field);
          line.appendChild(label);
          article.appendChild(line);
        }
        field.value = url;
        field.focus();
        field.select();
      }));
    }
    // Votes (DESIGN §8): shown at once (pressed, counts), kept per thread and endpoint so the
    // thread renders them pressed, then sent as POST <comments>/votes under this browser's voter
    // id; the server's answer sets the counts, and a failure undoes the vote and says so.
    // Without an endpoint the browser's thread keeps the counts.
    function voterId() {
      var id = stored('voter', null);
      if (typeof id !== 'string' || id.length < 8) store('voter', id = newClientId());
      return id;
    }
    function voteButtons(article) {
      return Array.prototype.slice.call(article.querySelectorAll('button[data-action="vote"]'));
    }
    function votesOf(article) {
      var v = { mine: 0 };
      voteButtons(article).forEach(function (b) {
        var side = b.getAttribute('data-vote');
        v[side] = parseInt(b.textContent.replace(/^\D*/, ''), 10) || 0;
        if (b.getAttribute('aria-pressed') === 'true') v.mine = side === 'up' ? 1 : -1;
      });
      return v;
    }
    // The buttons show `v` ({up, down, mine}); the count is the last number of text and name.
    function showVotes(article, v) {
      voteButtons(article).forEach(function (b) {
        var side = b.getAttribute('data-vote'), n = String(v[side]);
        b.setAttribute('aria-pressed', String(v.mine === (side === 'up' ? 1 : -1)));
        b.textContent = b.textContent.replace(/\d+$/, n);
        b.setAttribute('aria-label', b.getAttribute('aria-label').replace(/\d+(?=\D*$)/, n));
      });
      var key = 'votes:' + w.placeKey(), all = stored(key, {}) || {};
      if (v.mine) all[article.getAttribute('data-id')] = v.mine;
      else delete all[article.getAttribute('data-id')];
      store(key, Object.keys(all).length ? all : null);
    }
    function vote(button) {
      var article = button.closest('div.comment');
      if (!article || article.hasAttribute('data-client-id')) return;
      var id = article.getAttribute('data-id'), side = button.getAttribute('data-vote') === 'up' ? 1 : -1;
      var before = votesOf(article), mine = before.mine === side ? 0 : side;
      var after = { up: before.up - (before.mine === 1) + (mine === 1), down: before.down - (before.mine === -1) + (mine === -1), mine: mine };
      showVotes(article, after);
      if (!state.o.comments) {
        var doc = localThread(state.o.thread);
        doc.comments.forEach(function (c) { if (String(c.id) === id) c.votes = { up: after.up, down: after.down }; });
        if (!store('thread:' + state.o.thread, doc)) failed();
        return;
      }
      function failed(e) {
        if (e) w.warn('vote not saved: ' + e.message);
        showVotes(article, before);
        announce('vote_failed');
      }
      fetch(w.endpoint().replace(/\/?$/, '/votes'), {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ thread: state.o.thread, comment: id, voter: voterId(), vote: mine })
      }).then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      }).then(function (answer) {
        var v = answer && answer.votes;
        if (!v || !Number.isSafeInteger(v.up) || !Number.isSafeInteger(v.down) || [1, 0, -1].indexOf(answer.mine) < 0) throw new Error('an answer with no votes');
        showVotes(article, { up: v.up, down: v.down, mine: answer.mine });
      }).catch(guard(failed));
    }
    // ---- The reader's own comments: Edit and Delete while their window is open (DESIGN §8) ----
    // Each comment this browser posted is kept under "edits:<place>" as {id: {clientId, token,
    // until}}: the server's edit token and the end of its window (ms); colloquy.js renders Edit
    // and Delete on those still open. In storage mode there is no token and the window is the
    // core's default, the reference server's (limits.hpp edit_window_seconds: --edit-window 900).
    // Records stay a while after their window (an edit form still open is then refused by the
    // server with edit_window_closed, not bad_token), then go.
    var EDIT_RECORD_GRACE_MS = 60 * 60 * 1000;
    function editsKey(item) { return 'edits:' + (item ? item.endpoint + '\n' + item.body.thread : w.placeKey()); }
    function edits() {
      var all = stored(editsKey(), {});
      return all && typeof all === 'object' && !Array.isArray(all) ? all : {};
    }
    function keepEdit(key, id, record) {
      var all = stored(key, {}) || {};
      if (record) all[id] = record;
      else delete all[id];
      store(key, Object.keys(all).length ? all : null);
      watchWindows();
    }
    // The server's answer to a post carries the comment's edit token (only that answer does),
    // for a comment awaiting moderation too.
    function keepToken(item, text) {
      var answer = JSON.parse(text);
      var until = answer && Date.parse(answer.editableUntil);
      if (typeof answer.token === 'string' && answer.token && until > Date.now())
        keepEdit(editsKey(item), String(answer.id), { clientId: item.clientId, token: answer.token, until: until });
    }
    function words(key) { return w.plain('colloquy_action_message', key, {}); }

    // What the server (or this browser's store) answered to an edit or delete, the comment's new
    // state, joins the thread's pages as one more page: the core takes a later page's copy of a
    // comment for the earlier one, so sorting again or "Load more" keeps the change.
    function learn(answer) { state.comments = state.comments.concat('[' + answer + ']'); }
    // The comment `id` rendered again from the thread as the core shows it now (edited; deleted:
    // a placeholder when it keeps replies, else gone), in place of its article, with the count.
    // The whole thread is rendered: the comment may be past the pages on show (one just posted).
    function rerender(id) {
      var r = w.call('colloquy_render_comments', state.comments, { pageSize: 0 });
      if (!r.meta.ok) return null;
      var fresh = w.htmlNode('<div>' + r.html + '</div>');
      var article = fresh.querySelector('div.comment[data-id="' + CSS.escape(id) + '"]');
      var old = findArticle('data-id', id);
      if (old && article) old.replaceWith(article);
      else if (old) old.remove();
      var count = fresh.querySelector('header h2'), heading = w.commentsSlot.querySelector('section.comments > header > h2');
      if (count && heading) heading.textContent = count.textContent;
      return article;
    }
    // A change sent to the comments server (PATCH or DELETE <comments>/<id>): resolves with the
    // answer, the comment's new state (its bytes); rejects with {problem} when the server refused
    // it (its code, worded by the core: bad_token, edit_window_closed, text_too_long, …), else
    // with the failure (no network, no answer in data-post-timeout, a 5xx): then nothing changed
    // and the reader may try again.
    function change(method, id, record, body) {
      var url = w.endpoint().replace(/\/?$/, '/') + encodeURIComponent(id) + (method === 'DELETE' ? '?thread=' + encodeURIComponent(state.o.thread) : '');
      var abort = new AbortController();
      var timer = setTimeout(function () { abort.abort(); }, state.o.postTimeout);
      var headers = { Accept: 'application/json' };
      if (body) headers['Content-Type'] = 'application/json';
      else headers.Authorization = 'Bearer ' + (record && record.token);
      return fetch(url, { method: method, credentials: 'same-origin', signal: abort.signal, headers: headers, body: body && JSON.stringify(body) })
        .then(function (res) {
          return res.text().then(function (text) {
            var verdict = JSON.parse(w.plain('colloquy_judge_answer', text, { status: res.status }));
            if (verdict.outcome === 'delivered') return text;
            if (verdict.outcome === 'refused') throw { problem: verdict.error };
            throw new Error('HTTP ' + res.status);
          });
        }).then(function (answer) { clearTimeout(timer); return answer; }, function (e) { clearTimeout(timer); throw e; });
    }
    // What a failed change tells the reader: the server's refusal in the widget's words, or
    // "Your change could not be saved" (and why, in the console).
    function failure(e) {
      if (e && e.problem) return describe([e.problem]);
      w.warn('change not saved: ' + (e && e.name === 'AbortError' ? 'no answer in ' + state.o.postTimeout + ' ms' : e && e.message));
      return [{ field: '', message: words('change_failed') }];
    }
    // Storage mode: the browser's thread is the server; `how` changes its copy of comment `id`,
    // and the answer is that copy. The window is the browser's to keep.
    function localChange(record, id, how) {
      if (!(record && record.until > Date.now())) return Promise.reject({ problem: { code: CODES.edit_window_closed, field: '' } });
      var doc = localThread(state.o.thread);
      var comment = doc.comments.filter(function (c) { return c && String(c.id) === id; })[0];
      if (!comment) return Promise.reject(new Error('comment ' + id + ' is not in this browser'));
      how(comment);
      if (!store('thread:' + state.o.thread, doc)) return Promise.reject({ problem: { code: CODES.storage_refused, field: '' } });
      return Promise.resolve(JSON.stringify(comment));
    }

    // Edit: a form in place of the comment, holding its text (the core renders both, from the
    // thread's pages), checked as a post is; Escape or Cancel closes it and gives the comment back.
    function edit(article) {
      var id = article && article.getAttribute('data-id');
      if (!id || !edits()[id]) return;
      var next = article.nextElementSibling;
      var form = next && next.matches('form.edit') ? next : null;
      if (!form) {
        var r = w.call('colloquy_render_edit', state.comments, { edit: id, parentDepth: depthOf(article) });
        if (!r.meta.ok) return w.warn('comment ' + id + ' not edited: ' + r.meta.error.code);
        form = w.htmlNode(r.html);
        article.after(form);
        updatePreview(form);
      }
      article.hidden = true;
      form.elements.text.focus();
    }
    function checkEdit(form) {
      var draft = { thread: state.o.thread, author: { name: '', location: '' }, text: form.elements.text.value };
      return w.call('colloquy_check_compose', JSON.stringify(draft), { requireClientId: false }).meta;
    }
    function closeEdit(form) {
      clearTimeout(timers.get(form));
      timers.delete(form);
      var article = findArticle('data-id', form.getAttribute('data-edit'));
      form.remove();
      if (!article) return;
      article.hidden = false;
      var button = article.querySelector('button[data-action="edit"]');
      focusOn(button || article);
    }
    function saveEdit(form) {
      clearTimeout(timers.get(form));
      var id = form.getAttribute('data-edit'), record = edits()[id];
      var checked = checkEdit(form);
      var first = showProblems(form, checked.problems);
      if (!checked.ok) return first && first.focus();
      var text = checked.draft.text, save = form.querySelector('button[type="submit"]');
      save.disabled = true;
      var sent = state.o.comments ? change('PATCH', id, record, { thread: state.o.thread, text: text, token: record && record.token })
        : localChange(record, id, function (c) { c.text = text; c.edited = new Date().toISOString(); });
      sent.then(function (answer) {
        learn(answer);
        keepMine(id, answer); // awaiting moderation: shown with the new text after a reload too
        form.remove();
        var article = rerender(id);
        if (article) focusOn(article);
        say(words('comment_saved'));
      }).catch(guard(function (e) {
        save.disabled = false;
        var shown = showProblems(form, failure(e)); // the text stays in the form
        (shown || form.elements.text).focus();
      }));
    }

    // Delete asks first, in the comment (an inline group, not window.confirm): "Delete this
    // comment?" with Delete and Cancel; Cancel has the focus, so Enter twice deletes nothing.
    function askDelete(article) {
      var id = article && article.getAttribute('data-id');
      if (!id || !edits()[id]) return;
      var box = article.querySelector('.confirm');
      if (!box) {
        box = document.createElement('p');
        box.className = 'confirm';
        box.setAttribute('role', 'group');
        var question = words('delete_question');
        box.setAttribute('aria-label', question);
        var label = document.createElement('span');
        label.textContent = question + ' ';
        box.appendChild(label);
        [['confirm-delete', article.querySelector('button[data-action="delete"]').textContent], ['keep', words('cancel')]].forEach(function (b) {
          var button = document.createElement('button');
          button.type = 'button';
          button.setAttribute('data-action', b[0]);
          button.textContent = b[1];
          box.appendChild(button);
          box.appendChild(document.createTextNode(' '));
        });
        var error = document.createElement('span');
        error.className = 'error';
        error.setAttribute('role', 'alert');
        error.hidden = true;
        box.appendChild(error);
        article.appendChild(box);
      }
      box.querySelector('button[data-action="keep"]').focus();
    }
    function closeConfirm(box) {
      var article = box && box.closest('div.comment');
      if (!article) return;
      box.remove();
      var button = article.querySelector('button[data-action="delete"]');
      focusOn(button || article);
    }
    function remove(article) {
      var id = article.getAttribute('data-id'), record = edits()[id];
      var box = article.querySelector('.confirm'), yes = box.querySelector('button[data-action="confirm-delete"]');
      yes.disabled = true;
      var sent = state.o.comments ? change('DELETE', id, record, null)
        : localChange(record, id, function (c) { c.status = 'deleted'; c.text = ''; });
      sent.then(function (answer) {
        learn(answer);
        keepMine(id, null);
        keepEdit(editsKey(), id, null);
        // Focus goes to what takes its place: the placeholder that keeps its replies, else the
        // next comment, else the one before, else the comment form.
        var after = article.nextElementSibling, before = article.previousElementSibling;
        while (after && !after.matches('div.comment')) after = after.nextElementSibling;
        while (before && !before.matches('div.comment')) before = before.previousElementSibling;
        var placeholder = rerender(id);
        var form = w.composeSlot.querySelector('form.compose');
        var next = placeholder || after || before;
        if (next) focusOn(next);
        else if (form) form.elements.text.focus();
        say(words('comment_deleted'));
      }).catch(guard(function (e) {
        yes.disabled = false;
        var error = box.querySelector('.error');
        error.textContent = failure(e).map(function (p) { return p.message; }).join(' ');
        error.hidden = false;
      }));
    }
    // When a comment's window closes its Edit and Delete go (an edit form already open stays:
    // saving then says the time is over, the text still there to copy). Checked at each render
    // and when the next window closes.
    var closing = null;
    function watchWindows() {
      clearTimeout(closing);
      var all = edits(), now = Date.now(), next = Infinity, pruned = false;
      Object.keys(all).forEach(function (id) {
        var until = all[id] && all[id].until;
        if (until > now) return void (next = Math.min(next, until));
        var article = findArticle('data-id', id);
        if (article) {
          var focused = article.contains(root.activeElement);
          article.querySelectorAll('button[data-action="edit"], button[data-action="delete"], .confirm').forEach(function (el) { el.remove(); });
          if (focused && !article.contains(root.activeElement)) focusOn(article);
        }
        if (!(until > now - EDIT_RECORD_GRACE_MS)) pruned = delete all[id];
      });
      if (pruned) store(editsKey(), Object.keys(all).length ? all : null);
      if (next < Infinity) closing = setTimeout(guard(watchWindows), Math.min(next - now + 20, 2147483647));
    }

    // Cancel or Escape: the reply form closes (its text kept as a draft) and focus goes back to
    // the Reply button that opened it, never to <body>.
    function closeReply(form) {
      if (!form || !form.getAttribute('data-parent')) return;
      clearTimeout(timers.get(form));
      timers.delete(form);
      if (formKeys.has(form)) saveDraft(form);
      var article = findArticle('data-id', form.getAttribute('data-parent'));
      form.remove();
      var reply = article && article.querySelector('button[data-action="reply"]');
      if (reply) reply.focus();
    }
    var onKeydown = guard(function (event) {
      if (event.key !== 'Escape' || !event.target.closest) return;
      var form = event.target.closest('form.compose.reply'), confirm = event.target.closest('.confirm');
      if (form || confirm) event.preventDefault();
      if (confirm) closeConfirm(confirm);
      else if (form && form.hasAttribute('data-edit')) closeEdit(form);
      else if (form) closeReply(form);
    });
    var onInput = guard(function (event) {
      var form = event.target.closest && event.target.closest('form.compose');
      if (!form) return;
      var editing = form.hasAttribute('data-edit');
      if (!editing) fillForm(form);
      clearTimeout(timers.get(form));
      // Debounced: a 10,000-character comment is formatted once per pause, not per key.
      timers.set(form, setTimeout(guard(function () {
        timers.delete(form);
        if (!editing) saveDraft(form);
        updatePreview(form);
        if (form.querySelector('.error:not([hidden])')) showProblems(form, (editing ? checkEdit : check)(form).problems);
      }), 100));
    });
    function leave() {
      timers.forEach(function (t, form) { clearTimeout(t); if (formKeys.has(form)) saveDraft(form); });
      timers.clear();
    }
    // The widget's destroy() (w.stop) ends the listeners and the timers; a widget destroyed
    // before posting came gets neither.
    var on = { signal: w.stop };
    root.addEventListener('click', onClick, on);
    root.addEventListener('input', onInput, on);
    root.addEventListener('keydown', onKeydown, on);
    window.addEventListener('online', guard(flushOutbox), on);
    w.stop.addEventListener('abort', function () {
      timers.forEach(function (t) { clearTimeout(t); });
      clearTimeout(closing);
      Object.keys(backoff).forEach(function (id) { clearTimeout(backoff[id].timer); });
    });
    if (!w.stop.aborted) afterRender();

    return {
      afterRender: guard(afterRender),
      submit: guard(submit),
      // A comment still on its way has no id the server knows yet: no replies to it until then.
      link: guard(link),
      vote: guard(vote),
      edit: guard(edit),
      delete: guard(askDelete),
      reply: guard(function (article) {
        if (article && !article.hasAttribute('data-client-id')) openReply(article).elements.text.focus();
      })
    };
  }

  document.dispatchEvent(new CustomEvent('colloquy:post', { detail: { attach: attach, localThread: localThread } }));
})();
