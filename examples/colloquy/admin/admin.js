// The moderation page of `colloquy serve` (/admin). Signs in with the admin token, lists
// comments of any status per thread (their HTML rendered by the server with the widget's
// core), approves, rejects, deletes and restores them, and shows the audit log.
//
// The token lives in sessionStorage and goes out only as an Authorization header to this
// origin: no cookie, so no request forged from another site can carry it, and it is gone when
// the tab closes. The page runs under a CSP without inline script ('self' only), and every
// string from a comment reaches the DOM as text or as the core's escaped HTML.
'use strict';
(function () {
  var TOKEN_KEY = 'colloquy-admin-token';
  var $ = function (selector) { return document.querySelector(selector); };

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  // An API call; resolves to the JSON answer, or rejects with the server's message and status.
  function api(path, body) {
    var headers = { Authorization: 'Bearer ' + token() };
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: body ? 'POST' : 'GET', headers: headers, cache: 'no-store', credentials: 'omit',
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (r.ok) return answer;
        var e = new Error((answer.error && answer.error.message) || 'HTTP ' + r.status);
        e.status = r.status;
        e.code = answer.error && answer.error.code;
        throw e;
      });
    });
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function say(text) { $('#message').textContent = text; }

  // What each status allows, in the order the buttons show.
  var ACTIONS = {
    pending: ['approve', 'reject', 'delete'],
    published: ['delete'],
    rejected: ['delete'],
    deleted: ['restore']
  };
  var LABELS = { approve: 'Approve', reject: 'Reject', delete: 'Delete', restore: 'Restore' };
  var DONE = { approve: 'Approved', reject: 'Rejected', delete: 'Deleted', restore: 'Restored' };

  function item(comment, article) {
    var row = element('div', 'item');
    row.dataset.thread = comment.thread;
    row.dataset.id = comment.id;
    row.dataset.status = comment.status;
    // The version of the text shown: an approval names it, so an edit made since is never
    // published unseen (the server answers 409 and the refreshed list shows the new text).
    row.dataset.edited = comment.edited || '';
    var meta = element('div', 'meta');
    meta.append(element('span', 'status status-' + comment.status, comment.status), ' ' + comment.id + ' · ' +
      comment.created + (comment.edited ? ' · edited ' + comment.edited : '') +
      (comment.parent ? ' · reply to ' + comment.parent : ''));
    var body = element('div', 'colloquy-static');
    if (article) body.append(article);
    var actions = element('div', 'actions');
    (ACTIONS[comment.status] || []).forEach(function (action) {
      var b = element('button', '', LABELS[action]);
      b.type = 'button';
      b.dataset.action = action;
      actions.append(b);
    });
    row.append(meta, body, actions);
    return row;
  }

  function showComments(answer) {
    // The core's static HTML: its articles carry data-id m0, m1, … in the order of `comments`.
    var rendered = document.createElement('template');
    rendered.innerHTML = answer.html;
    var byThread = new Map();
    answer.comments.forEach(function (comment, i) {
      var article = rendered.content.querySelector('div.comment[data-id="m' + i + '"]');
      if (!byThread.has(comment.thread)) byThread.set(comment.thread, []);
      byThread.get(comment.thread).push(item(comment, article));
    });
    var list = $('#threads');
    list.replaceChildren();
    byThread.forEach(function (items, thread) {
      var section = element('section', 'thread');
      section.dataset.thread = thread;
      var heading = element('h3');
      var pick = element('button', '', thread);
      pick.type = 'button';
      pick.dataset.pick = thread;
      heading.append(pick, ' (' + items.length + ')');
      section.append(heading);
      items.forEach(function (i) { section.append(i); });
      list.append(section);
    });
    $('#count').textContent = answer.comments.length
      ? answer.comments.length + ' comment' + (answer.comments.length === 1 ? '' : 's') : 'No comments match.';
  }

  function showAudit(answer) {
    var body = $('#audit tbody');
    body.replaceChildren();
    answer.entries.forEach(function (e) {
      var tr = element('tr');
      [e.at, e.address, e.action, e.thread, e.id, e.before + ' → ' + e.after].forEach(function (text) {
        tr.append(element('td', '', text));
      });
      body.append(tr);
    });
  }

  function refresh() {
    var f = $('#filter');
    var query = new URLSearchParams();
    ['thread', 'status', 'q'].forEach(function (name) {
      if (f.elements[name].value) query.set(name, f.elements[name].value);
    });
    return Promise.all([api('/api/admin/comments?' + query), api('/api/admin/audit')])
      .then(function (answers) { showComments(answers[0]); showAudit(answers[1]); })
      .catch(failed);
  }

  function failed(e) {
    if (e.status === 401) return signedOut('The token was not accepted.');
    say(e.message);
  }

  function signedOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('#console').hidden = true;
    $('#sign-out').hidden = true;
    $('#sign-in').hidden = false;
    $('#sign-in .error').textContent = message || '';
  }

  function signedIn() {
    $('#sign-in').hidden = true;
    $('#console').hidden = false;
    $('#sign-out').hidden = false;
    return refresh();
  }

  // Signing in trades the token for the session the server derives from it: every later call
  // carries the session, which the server never rate limits (the token it does, per address, so
  // nobody guesses it at speed), and the token itself is not kept.
  $('#sign-in').addEventListener('submit', function (event) {
    event.preventDefault();
    var field = event.target.elements.token;
    sessionStorage.setItem(TOKEN_KEY, field.value);
    field.value = '';
    api('/api/admin/session', {}).then(function (answer) {
      sessionStorage.setItem(TOKEN_KEY, answer.session);
      return signedIn();
    }).catch(function (e) {
      if (e.status === 401) return signedOut('The token was not accepted.');
      signedOut(e.message);
    });
  });
  $('#sign-out').addEventListener('click', function () { signedOut(); });
  $('#filter').addEventListener('submit', function (event) {
    event.preventDefault();
    say('');
    refresh();
  });
  $('#threads').addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) return;
    if (button.dataset.pick !== undefined) {
      $('#filter').elements.thread.value = button.dataset.pick;
      refresh();
      return;
    }
    var row = button.closest('.item');
    if (!row || !button.dataset.action) return;
    button.disabled = true;
    api('/api/admin/moderate', { thread: row.dataset.thread, id: row.dataset.id, action: button.dataset.action,
      edited: row.dataset.edited || null })
      .then(function (done) {
        say(DONE[button.dataset.action] + ' ' + done.id + ' in ' + done.thread + '.');
        return refresh();
      })
      .catch(function (e) {
        button.disabled = false;
        if (e.status !== 409) return failed(e);
        // Edited by its author since this list was loaded: show the text as it is now.
        return refresh().then(function () {
          say('Not approved: ' + row.dataset.id + ' was edited by its author since you read it. ' +
            'Its new text is shown; read it before deciding again.');
        });
      });
  });

  if (token()) signedIn();
  else signedOut();
})();
