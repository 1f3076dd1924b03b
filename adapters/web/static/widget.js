/*
 * The HPM careers FAQ chat widget. Embed it on any page with one tag:
 *   <script src="https://YOUR-BOT-HOST/widget.js" defer></script>
 * The API is found next to this script's own URL. No dependencies, no build step.
 * Everything the user or the server sends is put in the page as text nodes, never as HTML.
 */
(() => {
  "use strict";

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || document.querySelector("[data-hpmfaq-widget]")) return;

  const BASE = new URL(".", script.src);
  const API = {
    chat: new URL("api/chat", BASE).href,
    feedback: new URL("api/feedback", BASE).href,
    topics: new URL("api/topics", BASE).href,
  };
  const SESSION_KEY = "hpmfaq-session:" + BASE.href;
  const TIMEOUT_MS = 15000;
  const SAFE_PROTOCOLS = ["https:", "mailto:", "tel:", "sms:"];  // only these become links
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    thumb: "M2 10h4v11H2zM8 21h9.6a2 2 0 0 0 1.9-1.4l2.4-7.2A2 2 0 0 0 20 10h-6l1-4.6A2 2 0 0 0"
      + " 13.1 3h-.4L8 9.5z",
  };
  const WELCOME = "Hi! I answer questions about careers in hospice and palliative medicine: "
    + "training and fellowship, certification, jobs and AAHPM. I can't advise on patient care.";
  const OFFLINE = "The FAQ service can't be reached right now. Your question is still in the box: "
    + "press Enter to send it again.";

  // -- small DOM helpers ------------------------------------------------------------------
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children || []) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function icon(name, className) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon " + (className || ""));
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  // -- Markdown, safe subset: paragraphs, lists, **bold**, *italics*, [links](url), `code` ---
  const INLINE = new RegExp([
    /\[([^[\]\n]+)\]\(([^()\s]+)\)/.source,        // 1, 2: [text](url), no [] in the text
    /\*\*(.+?)\*\*|__(.+?)__/.source,                // 3, 4: bold
    /\*([^*\s](?:[^*]*[^*\s])?)\*/.source,           // 5: *italics*
    /(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])/.source, // 6: _italics_
    /`([^`]+)`/.source,                              // 7: code
    /(https:\/\/[^\s<>()[\]]*[^\s<>()[\].,;:!?'"])/.source, // 8: a bare https address
  ].join("|"), "g");

  function safeHref(raw) {
    try {
      const url = new URL(raw);
      return SAFE_PROTOCOLS.includes(url.protocol) ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // Each call works on a strictly shorter piece of text, and a link's own text may hold
  // emphasis but never another link, so rendering always ends (a bare address used to be
  // matched again inside its own link, recursing until the stack overflowed).
  function link(text, raw) {
    const href = safeHref(raw);
    if (!href) {
      const span = document.createDocumentFragment();
      appendInline(span, text, true);                 // an unsafe link shows its text only
      return span;
    }
    const attributes = { href: href, rel: "noopener noreferrer" };
    if (href.startsWith("https:")) attributes.target = "_blank";  // tel:, sms:, mailto: stay
    const anchor = el("a", attributes);
    appendInline(anchor, text, true);
    return anchor;
  }

  function appendInline(parent, text, inLink) {
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      if (m[1] !== undefined) {
        if (inLink) appendInline(parent, m[1], true);
        else parent.append(link(m[1], m[2]));
      } else if (m[3] !== undefined || m[4] !== undefined) {
        const strong = el("strong");
        appendInline(strong, m[3] !== undefined ? m[3] : m[4], inLink);
        parent.append(strong);
      } else if (m[5] !== undefined || m[6] !== undefined) {
        const em = el("em");
        appendInline(em, m[5] !== undefined ? m[5] : m[6], inLink);
        parent.append(em);
      } else if (m[7] !== undefined) parent.append(el("code", {}, [m[7]]));
      else parent.append(inLink ? m[8] : link(m[8], m[8]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.append(text.slice(last));
  }

  function renderMarkdown(markdown) {
    const fragment = document.createDocumentFragment();
    let paragraph = null;
    let list = null;
    const flush = () => {
      if (paragraph) {
        const p = el("p");
        appendInline(p, paragraph.join(" "), false);
        fragment.append(p);
      }
      if (list) fragment.append(list);
      paragraph = null;
      list = null;
    };
    for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
      const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
      const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      const item = bullet || numbered;
      if (!line.trim()) {
        flush();
      } else if (item) {
        const tag = bullet ? "UL" : "OL";
        if (paragraph || (list && list.tagName !== tag)) flush();
        list = list || el(tag.toLowerCase());
        const li = el("li");
        appendInline(li, item[1], false);
        list.append(li);
      } else if (list && /^\s+\S/.test(line)) {
        list.lastChild.append(" ");               // a list item's continuation line
        appendInline(list.lastChild, line.trim(), false);
      } else {
        if (list) flush();
        paragraph = paragraph || [];
        paragraph.push(line.trim());
      }
    }
    flush();
    return fragment;
  }

  // -- the widget ---------------------------------------------------------------------------
  const host = el("div", { "data-hpmfaq-widget": "" });
  host.hidden = true;                              // until its stylesheet has loaded
  const root = host.attachShadow({ mode: "open" });
  const stylesheet = el("link", { rel: "stylesheet", href: new URL("widget.css", BASE).href });
  stylesheet.addEventListener("load", () => { host.hidden = false; });
  stylesheet.addEventListener("error", () => { host.hidden = false; });

  const launcher = el("button", {
    type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "hpmfaq-panel",
  }, [icon("chat"), el("span", {}, ["HPM careers FAQ"])]);
  const closeButton = el("button", { type: "button", class: "close", "aria-label": "Close chat" },
    ["\u00d7"]);
  const log = el("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0",
    "aria-label": "Conversation" });
  const typing = el("div", { class: "typing" }, [
    el("span", { class: "dot", "aria-hidden": "true" }),
    el("span", { class: "dot", "aria-hidden": "true" }),
    el("span", { class: "dot", "aria-hidden": "true" }),
    el("span", { class: "visually-hidden" }, ["Looking for an answer\u2026"]),
  ]);
  typing.hidden = true;
  const input = el("textarea", {
    id: "hpmfaq-input", rows: "2", autocomplete: "off",
    placeholder: "Ask about training, jobs, AAHPM\u2026",
  });
  const form = el("form", { class: "composer" }, [
    el("label", { for: "hpmfaq-input", class: "visually-hidden" }, ["Your question"]),
    input,
    el("button", { type: "submit", class: "send" }, ["Send"]),
  ]);
  const panel = el("section", {
    id: "hpmfaq-panel", class: "panel", role: "dialog", "aria-labelledby": "hpmfaq-title",
  }, [
    el("header", {}, [
      el("h2", { id: "hpmfaq-title" }, ["HPM careers FAQ"]),
      closeButton,
    ]),
    log,
    typing,
    form,
    el("p", { class: "note" }, ["Answers come from a curated FAQ. Not medical advice."]),
  ]);
  panel.hidden = true;
  root.append(stylesheet, launcher, panel);

  let session = null;
  try { session = window.sessionStorage.getItem(SESSION_KEY); } catch (error) { /* no storage */ }
  let busy = false;
  let welcomed = false;

  function saveSession(id) {
    session = id;
    try { window.sessionStorage.setItem(SESSION_KEY, id); } catch (error) { /* no storage */ }
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function scrollToTop(message) {     // a reply is read from its question down
    log.scrollTop = Math.max(0, message.offsetTop - log.offsetTop - 8);
  }

  function addMessage(who, children) {
    const speaker = who === "user" ? "You" : "FAQ bot";
    const message = el("div", { class: "message " + who }, [
      el("span", { class: "visually-hidden" }, [speaker + ": "]),
    ].concat(children));
    log.append(message);
    return message;
  }

  function chips(label, suggestions) {
    const group = el("div", { class: "chips", role: "group", "aria-label": label },
      [el("p", { class: "chips-label", "aria-hidden": "true" }, [label])]);
    for (const suggestion of suggestions) {
      const chip = el("button", { type: "button", class: "chip" }, [suggestion.question]);
      chip.addEventListener("click", () => {
        input.focus();
        send(suggestion.question);
      });
      group.append(chip);
    }
    return group;
  }

  function feedbackControls(replyId) {
    const status = el("span", { class: "feedback-status", role: "status" });
    const buttons = [true, false].map((helpful) => {
      const button = el("button", {
        type: "button", class: "vote", "aria-pressed": "false",
        "aria-label": helpful ? "Helpful" : "Not helpful",
      }, [icon("thumb", helpful ? "" : "down")]);
      button.addEventListener("click", async () => {
        if (button.getAttribute("aria-disabled") === "true") return;
        try {
          const response = await request(API.feedback, { reply_id: replyId, helpful: helpful });
          if (!response.ok) throw new Error(String(response.status));
          button.setAttribute("aria-pressed", "true");
          // aria-disabled rather than disabled, so that keyboard focus stays where it was
          buttons.forEach((b) => b.setAttribute("aria-disabled", "true"));
          status.textContent = "Thanks for your feedback.";
        } catch (error) {
          status.textContent = "Your feedback could not be sent.";
        }
      });
      return button;
    });
    return el("div", { class: "feedback", role: "group", "aria-label": "Was this helpful?" },
      [el("span", { "aria-hidden": "true" }, ["Helpful?"])].concat(buttons, [status]));
  }

  function addReply(reply) {
    const parts = [el("div", { class: "text" }, [renderMarkdown(reply.text)])];
    if (reply.sources.length) {
      const label = reply.sources.length > 1 ? "Sources: " : "Source: ";
      const sources = el("p", { class: "sources" }, [label]);
      reply.sources.forEach((source, index) => {
        if (index) sources.append("; ");
        appendInline(sources, source, false);
      });
      parts.push(sources);
    }
    if (reply.suggestions.length) {
      const label = { clarify: "Did you mean", answer: "Related questions" }[reply.kind]
        || "You could ask";
      parts.push(chips(label, reply.suggestions));
    }
    if (reply.kind === "answer") parts.push(feedbackControls(reply.reply_id));
    addMessage("bot", parts);
  }

  function addNotice(text) {
    log.append(el("div", { class: "message notice", role: "alert" }, [text]));
    scrollToEnd();
  }

  async function request(url, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(text) {
    if (busy || !text.trim()) return;
    busy = true;
    if (input.value === text) input.value = "";
    const echo = addMessage("user", [el("p", {}, [text])]);
    scrollToEnd();
    typing.hidden = false;
    let problem = null;
    let reply = null;
    try {
      const body = { message: text };
      if (session) body.session_id = session;
      const response = await request(API.chat, body);
      const data = await response.json().catch(() => null);
      if (response.ok && data) reply = data;
      else problem = (data && data.error) || "Something went wrong (" + response.status + ").";
    } catch (error) {
      problem = OFFLINE;
    } finally {
      typing.hidden = true;
      busy = false;
    }
    if (problem) {
      echo.remove();
      if (!input.value) input.value = text;   // keep the question so it can be sent again
      addNotice(problem);
      return;
    }
    // The server answered: a reply that can't be rendered is shown as plain text, never
    // reported as the service being unreachable.
    saveSession(reply.session_id);
    try {
      addReply(reply);
    } catch (error) {
      addMessage("bot", [el("p", { class: "plain" }, [String(reply.text)])]);
    }
    scrollToTop(echo);
  }

  async function welcome() {
    welcomed = true;
    const message = addMessage("bot", [el("p", {}, [WELCOME])]);
    try {
      const response = await fetch(API.topics);
      const data = await response.json();
      if (data.max_message_chars) input.maxLength = data.max_message_chars;  // the core's limit
      if (data.topics.length) message.append(chips("You could ask", data.topics));
    } catch (error) {
      /* the welcome stands without starters; a failed question will say what is wrong */
    }
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
    if (!welcomed) welcome();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
  closeButton.addEventListener("click", close);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(input.value);
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(input.value);
  });

  document.body.append(host);
})();
