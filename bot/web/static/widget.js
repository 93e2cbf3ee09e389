/*
 * Clinic intake chat widget. Add one tag to any page:
 *
 *   <script src="https://chat.example-clinic.com/widget.js" defer></script>
 *
 * Optional attributes: data-title="Intake assistant", data-start-message="/greet",
 * data-max-chars="2000".
 *
 * Vanilla JS, no build step, no external requests except to the gateway that
 * served this file. Bot and patient text is only ever set with textContent.
 * The conversation (id, token, history, unsent messages) is kept in
 * sessionStorage, so it survives page loads in the same tab. Every message
 * carries a client_message_id; retries reuse it, so the gateway never counts
 * a retried message twice.
 */
(function () {
  "use strict";

  if (window.__mmiChatWidgetLoaded) {
    return;
  }
  window.__mmiChatWidgetLoaded = true;

  // ---- configuration -------------------------------------------------------------
  var script =
    document.currentScript ||
    (function () {
      var tags = document.querySelectorAll('script[src*="widget.js"]');
      return tags[tags.length - 1];
    })();
  var scriptUrl = new URL(script.getAttribute("src"), window.location.href);
  var GATEWAY = scriptUrl.origin + scriptUrl.pathname.replace(/\/widget\.js$/, "");
  var TITLE = script.getAttribute("data-title") || "Intake assistant";
  var START_MESSAGE = script.getAttribute("data-start-message") || "/greet";
  // A quick reply with this payload starts a new chat (e.g. after a finished intake).
  var NEW_CHAT_PAYLOAD = "#new-chat";
  var MAX_CHARS = parseInt(script.getAttribute("data-max-chars") || "2000", 10) || 2000;
  var STORE_KEY = "mmi-chat:" + GATEWAY;
  var MAX_ATTEMPTS = 5; // per message, before "couldn't send - tap to retry"
  var FIRST_DELAY_MS = 700; // exponential backoff: 0.7 s, 1.4 s, 2.8 s, 5.6 s (+ jitter)
  var MAX_DELAY_MS = 10000;
  var REQUEST_TIMEOUT_MS = 45000;
  var MAX_HISTORY = 300;

  // ---- state (persisted per tab) --------------------------------------------------
  var state = load() || freshState();
  var busy = false;

  function freshState() {
    return { conversationId: null, token: null, history: [], outbox: [], open: false };
  }

  function load() {
    try {
      var raw = window.sessionStorage.getItem(STORE_KEY);
      var data = raw ? JSON.parse(raw) : null;
      if (data && Array.isArray(data.history) && Array.isArray(data.outbox)) {
        return data;
      }
    } catch (e) {
      /* storage blocked or corrupt: start fresh */
    }
    return null;
  }

  function save() {
    try {
      if (state.history.length > MAX_HISTORY) {
        state.history = state.history.slice(-MAX_HISTORY);
      }
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) {
      /* storage full or blocked: the chat still works for this page */
    }
  }

  function newMessageId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // ---- styles ---------------------------------------------------------------------
  var CSS = [
    ":host { all: initial; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    ".root { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2a2e; }",
    ".sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 60px; height: 60px; border-radius: 50%; border: none; background: #2f6f68; color: #fff; cursor: pointer; box-shadow: 0 6px 20px rgba(0,0,0,.25); display: flex; align-items: center; justify-content: center; }",
    ".launcher:hover { background: #275d57; }",
    ".launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #f2b134; outline-offset: 2px; }",
    ".launcher svg { width: 28px; height: 28px; fill: currentColor; }",
    ".dialog { position: fixed; right: 20px; bottom: 92px; z-index: 2147483001; width: 380px; max-width: calc(100vw - 40px); height: 580px; max-height: calc(100vh - 112px); background: #fff; border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.28); display: flex; flex-direction: column; overflow: hidden; }",
    ".dialog[hidden] { display: none; }",
    ".header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #2f6f68; color: #fff; }",
    ".header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }",
    ".close { background: transparent; border: none; color: #fff; font-size: 26px; line-height: 1; width: 36px; height: 36px; border-radius: 8px; cursor: pointer; }",
    ".close:hover { background: rgba(255,255,255,.15); }",
    ".note { margin: 0; padding: 8px 14px; font-size: 12.5px; color: #4a5a5e; background: #f3f7f6; border-bottom: 1px solid #e2ebe9; }",
    ".log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 8px; background: #fbfcfc; }",
    ".msg { max-width: 85%; padding: 9px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".msg.bot { align-self: flex-start; background: #eef3f2; border-bottom-left-radius: 4px; }",
    ".msg.patient { align-self: flex-end; background: #2f6f68; color: #fff; border-bottom-right-radius: 4px; }",
    ".msg.notice { align-self: center; background: #fff6e0; color: #5c4500; font-size: 13.5px; text-align: center; }",
    ".msg.patient.sending { opacity: .75; }",
    ".failed { align-self: flex-end; display: flex; gap: 6px; align-items: center; font-size: 13px; color: #a12a2a; }",
    ".retry { border: 1px solid #a12a2a; background: #fff; color: #a12a2a; border-radius: 999px; padding: 4px 10px; cursor: pointer; font: inherit; }",
    ".quick { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; }",
    ".quick button, .restart { border: 1px solid #2f6f68; background: #fff; color: #2f6f68; border-radius: 999px; padding: 6px 12px; cursor: pointer; font: inherit; font-size: 14px; }",
    ".quick button:hover, .restart:hover { background: #e6f0ee; }",
    ".typing { align-self: flex-start; background: #eef3f2; border-radius: 14px; padding: 10px 14px; display: flex; gap: 4px; }",
    ".typing[hidden] { display: none; }",
    ".dot { width: 7px; height: 7px; border-radius: 50%; background: #6b7f82; animation: mmi-blink 1.2s infinite ease-in-out; }",
    ".dot:nth-child(2) { animation-delay: .2s; } .dot:nth-child(3) { animation-delay: .4s; }",
    "@keyframes mmi-blink { 0%, 80%, 100% { opacity: .3; } 40% { opacity: 1; } }",
    "form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e2ebe9; background: #fff; }",
    "textarea { flex: 1; resize: none; font: inherit; padding: 9px 11px; border: 1px solid #b9c7c5; border-radius: 10px; min-height: 42px; max-height: 120px; color: inherit; }",
    ".send { border: none; background: #2f6f68; color: #fff; border-radius: 10px; padding: 0 16px; font: inherit; font-weight: 600; cursor: pointer; }",
    ".send:disabled { background: #9bb5b2; cursor: default; }",
    "@media (max-width: 480px) {",
    "  .dialog { inset: 0; right: 0; bottom: 0; width: 100%; max-width: none; height: 100%; max-height: none; border-radius: 0; }",
    "  .launcher { right: 14px; bottom: 14px; }",
    "}",
    "@media (prefers-reduced-motion: reduce) { .dot { animation: none; opacity: .7; } }",
  ].join("\n");

  // ---- DOM ------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, name)) {
        node.setAttribute(name, attrs[name]);
      }
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  var host = el("div", { id: "mmi-chat-widget" });
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  if (shadow.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      shadow.appendChild(el("style", {}, CSS));
    }
  } else {
    shadow.appendChild(el("style", {}, CSS));
  }

  var root = el("div", { class: "root" });
  var launcher = el("button", {
    type: "button",
    class: "launcher",
    "aria-label": "Open chat: " + TITLE,
    "aria-haspopup": "dialog",
    "aria-expanded": "false",
    "aria-controls": "mmi-dialog",
  });
  var svgNs = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(svgNs, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  var path = document.createElementNS(svgNs, "path");
  path.setAttribute(
    "d",
    "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"
  );
  icon.appendChild(path);
  launcher.appendChild(icon);

  var dialog = el("div", {
    id: "mmi-dialog",
    class: "dialog",
    role: "dialog",
    "aria-modal": "true",
    "aria-labelledby": "mmi-title",
    "aria-describedby": "mmi-desc",
  });
  dialog.hidden = true;
  var header = el("div", { class: "header" });
  header.appendChild(el("h2", { id: "mmi-title" }, TITLE));
  var closeButton = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(closeButton);
  var note = el(
    "p",
    { id: "mmi-desc", class: "note" },
    "An automated assistant that prepares your visit. In an emergency, call your local emergency number. Press Escape to close."
  );
  var log = el("div", {
    class: "log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  var typing = el("div", { class: "typing", role: "status" });
  typing.appendChild(el("span", { class: "sr-only" }, "The assistant is typing\u2026"));
  for (var i = 0; i < 3; i++) {
    typing.appendChild(el("span", { class: "dot", "aria-hidden": "true" }));
  }
  typing.hidden = true;
  var form = el("form", { "aria-label": "Send a message" });
  var inputLabel = el("label", { for: "mmi-input", class: "sr-only" }, "Your message");
  var input = el("textarea", {
    id: "mmi-input",
    rows: "1",
    maxlength: String(MAX_CHARS),
    placeholder: "Type your message\u2026",
    autocomplete: "off",
    "aria-describedby": "mmi-hint",
  });
  var hint = el("span", { id: "mmi-hint", class: "sr-only" }, "Press Enter to send, Shift+Enter for a new line.");
  var sendButton = el("button", { type: "submit", class: "send" }, "Send");
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(hint);
  form.appendChild(sendButton);
  dialog.appendChild(header);
  dialog.appendChild(note);
  dialog.appendChild(log);
  dialog.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(dialog);
  shadow.appendChild(root);

  // ---- rendering ------------------------------------------------------------------
  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function render() {
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    state.history.forEach(function (entry) {
      log.appendChild(el("div", { class: "msg " + entry.who }, entry.text));
      if (entry.action === "restart") {
        var restart = el("button", { type: "button", class: "restart" }, "Start a new chat");
        restart.addEventListener("click", restartConversation);
        log.appendChild(restart);
      }
    });
    state.outbox.forEach(function (item) {
      if (!item.hidden) {
        var bubble = el("div", { class: "msg patient" + (item.status === "failed" ? "" : " sending") }, item.display);
        log.appendChild(bubble);
      }
      if (item.status === "failed") {
        var failed = el("div", { class: "failed" });
        failed.appendChild(el("span", {}, "Couldn\u2019t send."));
        var retry = el("button", { type: "button", class: "retry" }, "Tap to retry");
        retry.setAttribute("aria-label", "Couldn\u2019t send. Tap to retry sending your message");
        retry.addEventListener("click", function () {
          item.status = "queued";
          item.attempts = 0;
          save();
          render();
          pump();
        });
        failed.appendChild(retry);
        log.appendChild(failed);
      }
    });
    var last = state.history[state.history.length - 1];
    if (state.outbox.length === 0 && last && last.who === "bot" && last.buttons && last.buttons.length) {
      var quick = el("div", { class: "quick", role: "group", "aria-label": "Quick replies" });
      last.buttons.forEach(function (button) {
        var b = el("button", { type: "button" }, button.title);
        b.addEventListener("click", function () {
          if (button.payload === NEW_CHAT_PAYLOAD) {
            restartConversation(); // a button of the widget's own, never sent to the assistant
            return;
          }
          send(button.payload || button.title, button.title, false);
        });
        quick.appendChild(b);
      });
      log.appendChild(quick);
    }
    log.appendChild(typing);
    scrollDown();
  }

  function addHistory(entry) {
    state.history.push(entry);
  }

  function setTyping(on) {
    typing.hidden = !on;
    scrollDown();
  }

  // ---- network --------------------------------------------------------------------
  function HttpError(status, message, retryAfter) {
    this.status = status;
    this.message = message;
    this.retryAfter = retryAfter;
  }

  function request(path, body, token) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, REQUEST_TIMEOUT_MS)
      : null;
    var headers = { "Content-Type": "application/json" };
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    return fetch(GATEWAY + path, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body || {}),
      credentials: "omit",
      mode: "cors",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    })
      .then(
        function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              if (response.ok) {
                return data;
              }
              var retryAfter = parseFloat(response.headers.get("Retry-After") || "");
              throw new HttpError(
                response.status,
                (data && typeof data.message === "string" && data.message) || "Something went wrong.",
                isNaN(retryAfter) ? null : retryAfter
              );
            });
        },
        function () {
          throw new HttpError(0, "You seem to be offline.", null); // network error or timeout
        }
      )
      .finally(function () {
        if (timer) {
          clearTimeout(timer);
        }
      });
  }

  function retryable(error) {
    return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  function backoff(attempt, error) {
    var delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, attempt));
    if (error.retryAfter) {
      delay = Math.min(MAX_DELAY_MS, Math.max(delay, error.retryAfter * 1000));
    }
    return delay * (0.8 + Math.random() * 0.4);
  }

  // Retries with exponential backoff; the same body (and client_message_id) every time.
  function withRetries(call) {
    var attempt = 0;
    function next() {
      return call().catch(function (error) {
        attempt += 1;
        if (!(error instanceof HttpError) || !retryable(error) || attempt >= MAX_ATTEMPTS) {
          throw error;
        }
        return sleep(backoff(attempt - 1, error)).then(next);
      });
    }
    return next();
  }

  function ensureSession() {
    if (state.conversationId && state.token) {
      return Promise.resolve();
    }
    return withRetries(function () {
      return request("/chat/sessions", {});
    }).then(function (data) {
      state.conversationId = data.conversation_id;
      state.token = data.token;
      save();
    });
  }

  function sessionExpired() {
    state.conversationId = null;
    state.token = null;
    state.outbox = [];
    addHistory({
      who: "notice",
      text: "This chat session has ended or expired. You can start a new chat.",
      action: "restart",
    });
    save();
    render();
  }

  function restartConversation() {
    state = freshState();
    state.open = true;
    save();
    render();
    input.focus();
    send(START_MESSAGE, null, true);
  }

  // Sends the outbox one message at a time, in order.
  function pump() {
    if (busy) {
      return;
    }
    var item = state.outbox[0];
    if (!item || item.status === "failed") {
      return;
    }
    busy = true;
    item.status = "sending";
    save();
    setTyping(true);
    ensureSession()
      .then(function () {
        return withRetries(function () {
          return request(
            "/chat/sessions/" + encodeURIComponent(state.conversationId) + "/messages",
            { text: item.text, client_message_id: item.id },
            state.token
          );
        });
      })
      .then(
        function (data) {
          state.outbox.shift();
          if (!item.hidden) {
            addHistory({ who: "patient", text: item.display });
          }
          (data.replies || []).forEach(function (reply) {
            if (typeof reply.text === "string" || Array.isArray(reply.buttons)) {
              addHistory({
                who: "bot",
                text: typeof reply.text === "string" ? reply.text : "",
                buttons: Array.isArray(reply.buttons) ? reply.buttons : [],
              });
            }
          });
          return true;
        },
        function (error) {
          if (error instanceof HttpError && error.status === 401) {
            sessionExpired();
            return false;
          }
          if (error instanceof HttpError && !retryable(error)) {
            // Too long, empty or otherwise refused: say why and give the text back.
            state.outbox.shift();
            addHistory({ who: "notice", text: error.message });
            if (!item.hidden && !input.value) {
              input.value = item.display;
            }
            return true;
          }
          item.status = "failed";
          return false;
        }
      )
      .then(function (keepGoing) {
        busy = false;
        setTyping(false);
        save();
        render();
        if (keepGoing) {
          pump();
        }
      });
  }

  function send(text, display, hidden) {
    var clean = String(text || "").trim();
    if (!clean) {
      return;
    }
    state.outbox.push({
      id: newMessageId(),
      text: clean,
      display: display || clean,
      hidden: !!hidden,
      status: "queued",
    });
    save();
    render();
    pump();
  }

  // ---- open / close, keyboard -----------------------------------------------------
  function focusables() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("button, textarea, [tabindex]:not([tabindex='-1'])"),
      function (node) {
        return !node.disabled && node.offsetParent !== null;
      }
    );
  }

  function openDialog() {
    dialog.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat: " + TITLE);
    state.open = true;
    save();
    render();
    input.focus();
    if (!state.conversationId && state.history.length === 0 && state.outbox.length === 0) {
      send(START_MESSAGE, null, true);
    }
  }

  function closeDialog() {
    dialog.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat: " + TITLE);
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (dialog.hidden) {
      openDialog();
    } else {
      closeDialog();
    }
  });
  closeButton.addEventListener("click", closeDialog);

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closeDialog();
      return;
    }
    if (event.key === "Tab") {
      var items = focusables();
      if (!items.length) {
        return;
      }
      var first = items[0];
      var last = items[items.length - 1];
      var active = shadow.activeElement || document.activeElement;
      if (event.shiftKey && active === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });

  function submit() {
    var text = input.value.trim();
    if (!text) {
      return;
    }
    input.value = "";
    send(text, text, false);
    input.focus();
  }

  // ---- start ----------------------------------------------------------------------
  function start() {
    document.body.appendChild(host);
    state.outbox.forEach(function (item) {
      if (item.status === "sending") {
        item.status = "queued"; // interrupted by a page load: resend with the same id
      }
    });
    render();
    if (state.open) {
      openDialog();
    }
    pump();
  }

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
