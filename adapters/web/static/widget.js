/*
 * The HPM careers FAQ chat widget. Embed it on any page with one tag:
 *   <script src="https://YOUR-BOT-HOST/widget.js" defer></script>
 * Optional attributes on that tag: data-contact-url (an https: or mailto: address for the
 * "talk to a person" link; default AAHPM's site) and data-contact-label (that link's text).
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
  const STORE_KEY = "hpmfaq:" + BASE.href;
  const STORED_ITEMS = 80;              // the transcript kept for a reload, newest last
  const TIMEOUT_MS = 15000;             // a request that takes longer is given up
  const LINK_PROTOCOLS = ["https:", "mailto:", "tel:", "sms:"];
  const CONTACT_PROTOCOLS = ["https:", "mailto:"];
  const DEFAULT_CONTACT = { url: "https://aahpm.org/", label: "Talk to a person" };
  const LIMITS = { message: 1000, comment: 1000 };   // until /api/topics says otherwise
  const COUNTER_FROM = 0.8;             // the character counter shows from this share of the limit
  const CLAMP_CHARS = 280;              // a longer question is shown clamped, with "Show more"
  const CLAMP_LINES = 6;
  const INPUT_ROWS = 6;                 // the question box grows up to this many lines
  const PICK_CHARS = 30;                // "2", "the second one": a pick is no longer than this
  const FULL_SCREEN = window.matchMedia("(max-width: 480px), (max-height: 500px)");
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    thumb: "M2 10h4v11H2zM8 21h9.6a2 2 0 0 0 1.9-1.4l2.4-7.2A2 2 0 0 0 20 10h-6l1-4.6A2 2 0 0 0"
      + " 13.1 3h-.4L8 9.5z",
    plus: "M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z",
  };
  const WELCOME = "Hi! I answer questions about careers in hospice and palliative medicine: "
    + "training and fellowship, certification, jobs and AAHPM. I can't advise on patient care.";
  const STILL_IN_BOX = " Your question is still in the box: press Enter to send it again.";
  const PROBLEMS = {
    offline: "The FAQ service can't be reached right now." + STILL_IN_BOX,
    timeout: "The FAQ service is taking too long to answer." + STILL_IN_BOX,
    server: (status) => "The FAQ service couldn't answer (error " + status + ")." + STILL_IN_BOX,
    busy: (seconds) => "You've sent several questions in a short time. Please wait "
      + (seconds ? seconds + (seconds === 1 ? " second" : " seconds") : "a moment")
      + ", then press Enter to send yours again: it's still in the box.",
  };

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

  function hidden(text) {
    return el("span", { class: "visually-hidden" }, [text]);
  }

  // -- links: only https:, mailto:, tel: and sms:, the web ones in a new tab ----------------
  function safeUrl(raw, protocols) {
    try {
      const url = new URL(String(raw).trim());
      return protocols.includes(url.protocol) ? url : null;
    } catch (error) {
      return null;                                   // relative or malformed: not a link
    }
  }

  function anchor(url, children) {
    const attributes = { href: url.href, rel: "noopener noreferrer" };
    if (url.protocol === "https:") {
      attributes.target = "_blank";
      attributes["aria-describedby"] = "hpmfaq-new-tab";
    }
    return el("a", attributes, children);
  }

  // -- Markdown, safe subset: paragraphs, lists, **bold**, *italics*, [links](url), `code` ---
  const INLINE = new RegExp([
    /\[([^[\]\n]+)\]\(([^()\s]+)\)/.source,             // 1, 2: [text](url), no [] in the text
    /\*\*(.+?)\*\*|__(.+?)__/.source,                    // 3, 4: bold
    /\*([^*\s](?:[^*]*[^*\s])?)\*/.source,               // 5: *italics*
    /(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])/.source, // 6: _italics_
    /`([^`]+)`/.source,                                  // 7: code
    /(https:\/\/[^\s<>()[\]]*[^\s<>()[\].,;:!?'"])/.source, // 8: a bare https address
  ].join("|"), "g");

  // Each call works on a strictly shorter piece of text, and a link's own text may hold
  // emphasis but never another link, so rendering always ends.
  function appendInline(parent, text, inLink) {
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      if (m[1] !== undefined || m[8] !== undefined) {
        const label = m[1] !== undefined ? m[1] : m[8];
        const url = inLink ? null : safeUrl(m[1] !== undefined ? m[2] : m[8], LINK_PROTOCOLS);
        if (url) {
          const link = anchor(url, []);
          appendInline(link, label, true);
          parent.append(link);
        } else if (m[1] !== undefined) {
          appendInline(parent, label, true);         // an unsafe link shows its text only
        } else {
          parent.append(label);
        }
      } else if (m[3] !== undefined || m[4] !== undefined) {
        const strong = el("strong");
        appendInline(strong, m[3] !== undefined ? m[3] : m[4], inLink);
        parent.append(strong);
      } else if (m[5] !== undefined || m[6] !== undefined) {
        const em = el("em");
        appendInline(em, m[5] !== undefined ? m[5] : m[6], inLink);
        parent.append(em);
      } else {
        parent.append(el("code", {}, [m[7]]));
      }
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
        list.lastChild.append(" ");                  // a list item's continuation line
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

  /** Rendered content as one line of text for a screen reader, lists numbered. */
  function spoken(node) {
    const parts = [];
    for (const child of node.children) {
      if (child.tagName === "OL" || child.tagName === "UL") {
        Array.from(child.children).forEach((li, index) => {
          parts.push((child.tagName === "OL" ? index + 1 + ". " : "") + li.textContent.trim());
        });
      } else {
        parts.push(child.textContent.trim());
      }
    }
    return parts.filter(Boolean).join(" ");
  }

  // -- what the deployer set on the script tag --------------------------------------------
  function contactSetting() {
    const url = script.dataset.contactUrl;
    const label = (script.dataset.contactLabel || "").trim().slice(0, 80);
    const safe = url ? safeUrl(url, CONTACT_PROTOCOLS) : null;
    if (url && !safe) {
      console.warn("HPM FAQ widget: data-contact-url must be an https: or mailto: address; "
        + "using the default.");
    }
    return { url: safe || new URL(DEFAULT_CONTACT.url), label: label || DEFAULT_CONTACT.label };
  }

  // -- the conversation, kept in sessionStorage for a reload in the same tab ----------------
  // state.items: {type: "user", text, chosen?} and {type: "bot", reply, vote?, comment?}
  const state = { session: null, items: [] };

  function validReply(reply) {
    return Boolean(reply) && typeof reply.text === "string" && typeof reply.kind === "string"
      && Array.isArray(reply.sources) && reply.sources.every((s) => typeof s === "string")
      && Array.isArray(reply.suggestions) && reply.suggestions.every(
        (s) => s && typeof s.id === "string" && typeof s.question === "string");
  }

  /** The server's reply with its lists made safe to render, or null without a text. */
  function normalReply(data) {
    if (!data || typeof data.text !== "string") return null;
    const list = (value) => (Array.isArray(value) ? value : []);
    return Object.assign({}, data, {
      kind: String(data.kind),
      sources: list(data.sources).filter((s) => typeof s === "string"),
      suggestions: list(data.suggestions).filter(
        (s) => s && typeof s.id === "string" && typeof s.question === "string"),
    });
  }

  function validItem(item) {
    if (!item) return false;
    if (item.type === "user") return typeof item.text === "string";
    return item.type === "bot" && validReply(item.reply);
  }

  function loadState() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.items)) {
        state.session = typeof saved.session === "string" ? saved.session : null;
        state.items = saved.items.filter(validItem);
      }
    } catch (error) {
      /* no storage, or not ours: start afresh */
    }
  }

  function saveState() {
    state.items = state.items.slice(-STORED_ITEMS);
    try {
      if (state.session || state.items.length) {
        window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
      } else {
        window.sessionStorage.removeItem(STORE_KEY);
      }
    } catch (error) {
      /* storage full or refused: the conversation simply won't survive a reload */
    }
  }

  // -- the widget ---------------------------------------------------------------------------
  const contact = contactSetting();
  const host = el("div", { "data-hpmfaq-widget": "", lang: "en", dir: "ltr" });
  host.hidden = true;                                // until its stylesheet has loaded
  const root = host.attachShadow({ mode: "open" });
  const stylesheet = el("link", { rel: "stylesheet", href: new URL("widget.css", BASE).href });
  stylesheet.addEventListener("load", () => { host.hidden = false; });
  stylesheet.addEventListener("error", () => { host.hidden = false; });

  const launcher = el("button", {
    type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "hpmfaq-panel",
  }, [icon("chat"), el("span", { class: "launcher-label" }, ["HPM careers FAQ"])]);
  const newButton = el("button", { type: "button", class: "header-button new" },
    [icon("plus"), el("span", { class: "new-label" }, ["New", hidden(" conversation")])]);
  const closeButton = el("button", {
    type: "button", class: "header-button close", "aria-label": "Close chat",
  }, [el("span", { "aria-hidden": "true" }, ["\u00d7"])]);
  // Replies are announced once, as text, by the status region below; the log stays quiet.
  const log = el("div", { class: "log", role: "log", "aria-live": "off", tabindex: "0",
    "aria-label": "Conversation" });
  const announcer = el("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const typing = el("div", { class: "typing", "aria-hidden": "true" }, [
    el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" }),
  ]);
  const input = el("textarea", {
    id: "hpmfaq-input", rows: "1", autocomplete: "off", maxlength: String(LIMITS.message),
    placeholder: "Ask a question\u2026", "aria-describedby": "hpmfaq-counter",
  });
  const counter = el("p", { id: "hpmfaq-counter", class: "counter" });
  counter.hidden = true;
  const form = el("form", { class: "composer" }, [
    el("label", { for: "hpmfaq-input", class: "visually-hidden" }, ["Your question"]),
    counter,
    el("div", { class: "composer-row" }, [
      input,
      el("button", { type: "submit", class: "send" }, ["Send"]),
    ]),
  ]);
  const note = el("p", { class: "note" }, [
    el("span", { class: "note-long" }, ["Answers come from a curated FAQ. "]),
    el("span", {}, ["Not medical advice."]),
    " ",
    anchor(contact.url, [contact.label]),
  ]);
  const panel = el("section", {
    id: "hpmfaq-panel", class: "panel", role: "dialog", "aria-labelledby": "hpmfaq-title",
  }, [
    el("header", {}, [
      el("h2", { id: "hpmfaq-title" }, ["HPM careers FAQ"]),
      newButton,
      closeButton,
    ]),
    log,
    form,
    note,
    announcer,
    el("span", { id: "hpmfaq-new-tab", hidden: "" }, ["opens in a new tab"]),
  ]);
  panel.hidden = true;
  const frame = el("div", { class: "widget", lang: "en", dir: "ltr" }, [launcher, panel]);
  root.append(stylesheet, frame);

  let busy = false;
  let started = false;
  let starters = [];

  function announce(text) {
    // Cleared first, so that the same words said twice are announced twice.
    announcer.textContent = "";
    window.requestAnimationFrame(() => { announcer.textContent = text; });
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function scrollToTop(message) {     // a reply is read from its question down
    log.scrollTop = Math.max(0, message.offsetTop - log.offsetTop - 8);
  }

  function addMessage(who, children) {
    const speaker = who === "user" ? "You" : "FAQ bot";
    const message = el("div", { class: "message " + who }, [hidden(speaker + ": ")]
      .concat(children));
    log.insertBefore(message, typing.isConnected ? typing : null);
    return message;
  }

  // Only the newest bot message's choices can be used: older ones leave the Tab order.
  function refreshChips() {
    const messages = log.querySelectorAll(".message.bot");
    messages.forEach((message, index) => {
      const current = index === messages.length - 1;
      message.querySelectorAll(".chip").forEach((chip) => { chip.disabled = !current; });
    });
  }

  function chip(suggestion) {
    const button = el("button", { type: "button", class: "chip" }, [suggestion.question]);
    button.addEventListener("click", () => {
      input.focus();                                 // the chip is about to be disabled
      send(suggestion.question);
    });
    return button;
  }

  function chipGroup(label, suggestions) {
    return el("div", { class: "chips", role: "group", "aria-label": label }, [
      el("p", { class: "chips-label", "aria-hidden": "true" }, [label]),
      el("ul", {}, suggestions.map((suggestion) => el("li", {}, [chip(suggestion)]))),
    ]);
  }

  /** A "did you mean": its numbered list becomes the choices, shown once. */
  function choicesInto(text, suggestions) {
    const list = Array.from(text.querySelectorAll("ol")).find(
      (ol) => ol.children.length === suggestions.length);
    if (list) {
      Array.from(list.children).forEach((li, index) => li.replaceChildren(chip(suggestions[index])));
      list.classList.add("choices");
    } else {
      text.append(el("ol", { class: "choices" },
        suggestions.map((suggestion) => el("li", {}, [chip(suggestion)]))));
    }
  }

  function feedbackControls(item) {
    const reply = item.reply;
    const status = el("span", { class: "feedback-status" });
    const commentToggle = el("button", {
      type: "button", class: "link-button", "aria-expanded": "false",
      "aria-controls": "hpmfaq-comment-" + reply.reply_id,
    }, ["Add a comment"]);
    const commentBox = el("textarea", {
      id: "hpmfaq-comment-text-" + reply.reply_id, rows: "2", maxlength: String(LIMITS.comment),
    });
    const commentForm = el("form", { class: "comment", id: "hpmfaq-comment-" + reply.reply_id }, [
      el("label", { for: "hpmfaq-comment-text-" + reply.reply_id },
        ["Your comment (optional)"]),
      commentBox,
      el("button", { type: "submit", class: "comment-send" }, ["Send comment"]),
    ]);
    commentForm.hidden = true;
    const votes = [true, false].map((helpful) => el("button", {
      type: "button", class: "vote", "aria-pressed": String(item.vote === helpful),
      "aria-label": helpful ? "Helpful" : "Not helpful",
    }, [icon("thumb", helpful ? "" : "down")]));
    const show = () => {
      votes.forEach((button, index) => {
        button.setAttribute("aria-pressed", String(item.vote === (index === 0)));
      });
      commentToggle.hidden = item.vote === undefined;
      commentToggle.textContent = item.comment ? "Edit your comment" : "Add a comment";
    };
    const post = async (body, thanks) => {
      try {
        const { response } = await request(API.feedback, body);
        if (!response.ok) throw new Error(String(response.status));
        saveState();
        status.textContent = thanks;
        announce(thanks);
        return true;
      } catch (error) {
        status.textContent = "Your feedback could not be sent. Please try again.";
        announce(status.textContent);
        return false;
      }
    };
    votes.forEach((button, index) => button.addEventListener("click", async () => {
      const helpful = index === 0;
      if (item.vote === helpful) return;
      const before = item.vote;
      const body = { reply_id: reply.reply_id, helpful: helpful };
      if (item.comment) body.comment = item.comment;  // a changed vote keeps its comment
      item.vote = helpful;
      show();
      if (!await post(body, before === undefined ? "Thanks for your feedback."
        : "Thanks, your answer was changed.")) {
        item.vote = before;
        show();
      }
    }));
    commentToggle.addEventListener("click", () => {
      const opening = commentForm.hidden;
      commentForm.hidden = !opening;
      commentToggle.setAttribute("aria-expanded", String(opening));
      if (opening) {
        commentBox.value = item.comment || "";
        commentBox.focus();
      }
    });
    commentBox.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        commentForm.requestSubmit();
      }
    });
    commentForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const comment = commentBox.value.trim().slice(0, LIMITS.comment);
      if (!comment) return;
      const body = { reply_id: reply.reply_id, helpful: item.vote, comment: comment };
      if (await post(body, "Thanks for your comment.")) {
        item.comment = comment;
        saveState();
        commentForm.hidden = true;
        commentToggle.setAttribute("aria-expanded", "false");
        show();
        commentToggle.focus();
      }
    });
    show();
    return el("div", { class: "feedback" }, [
      el("div", { class: "votes", role: "group", "aria-label": "Was this helpful?" },
        [el("span", { "aria-hidden": "true" }, ["Helpful?"])].concat(votes)),
      status,
      commentToggle,
      commentForm,
    ]);
  }

  function sourcesLine(sources) {
    const line = el("p", { class: "sources" }, [sources.length > 1 ? "Sources: " : "Source: "]);
    sources.forEach((source, index) => {
      if (index) line.append("; ");
      appendInline(line, source, false);
    });
    return line;
  }

  /** A reply's message, and what a screen reader should say of it. */
  function replyMessage(item) {
    const reply = item.reply;
    const text = el("div", { class: "text" }, [renderMarkdown(reply.text)]);
    const said = [spoken(text)];
    const parts = [text];
    if (reply.kind === "clarify" && reply.suggestions.length) {
      choicesInto(text, reply.suggestions);
    }
    if (reply.sources.length) {
      const line = sourcesLine(reply.sources);
      parts.push(line);
      said.push(line.textContent);
    }
    if (reply.kind !== "clarify" && reply.suggestions.length) {
      const label = reply.kind === "answer" ? "Related questions" : "You could ask";
      parts.push(chipGroup(label, reply.suggestions));
    }
    if (reply.kind === "answer" && reply.reply_id) parts.push(feedbackControls(item));
    return { message: addMessage("bot", parts), said: said.join(" ") };
  }

  /** A reply that could not be rendered is still shown, as plain text. */
  function plainReplyMessage(reply) {
    const parts = [el("p", { class: "plain" }, [String(reply.text)])];
    if (Array.isArray(reply.sources) && reply.sources.length) {
      parts.push(el("p", { class: "sources" }, ["Sources: " + reply.sources.join("; ")]));
    }
    return { message: addMessage("bot", parts), said: String(reply.text) };
  }

  function showReply(item) {
    let shown;
    try {
      shown = replyMessage(item);
    } catch (error) {
      shown = plainReplyMessage(item.reply);
    }
    refreshChips();
    return shown;
  }

  function showQuestion(item) {
    const text = item.chosen || item.text;
    const parts = [el("p", {}, [text])];
    if (text.length > CLAMP_CHARS || text.split("\n").length > CLAMP_LINES) {
      parts[0].classList.add("clamped");
      const more = el("button", { type: "button", class: "link-button more",
        "aria-expanded": "false" }, ["Show more"]);
      more.addEventListener("click", () => {
        const open = parts[0].classList.toggle("clamped") === false;
        more.setAttribute("aria-expanded", String(open));
        more.textContent = open ? "Show less" : "Show more";
      });
      parts.push(more);
    }
    return addMessage("user", parts);
  }

  function clearNotices() {
    log.querySelectorAll(".notice").forEach((notice) => notice.remove());
  }

  function showNotice(text) {
    clearNotices();                                  // one at a time: the newest says it all
    log.append(el("div", { class: "message notice", role: "alert" }, [text]));
    scrollToEnd();
  }

  async function request(url, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const options = { signal: controller.signal };
      if (body) {
        Object.assign(options, { method: "POST", body: JSON.stringify(body),
          headers: { "Content-Type": "application/json" } });
      }
      const response = await fetch(url, options);
      let data = null;
      if (response.status !== 204) {
        try {
          data = await response.json();                // still under the same time limit
        } catch (error) {
          if (controller.signal.aborted) throw error;
        }
      }
      return { response: response, data: data };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ask the server: {reply} or {problem}, a sentence for the user. */
  async function ask(text) {
    const body = { message: text };
    if (state.session) body.session_id = state.session;
    let answer;
    try {
      answer = await request(API.chat, body);
    } catch (error) {
      return { problem: error.name === "AbortError" ? PROBLEMS.timeout : PROBLEMS.offline };
    }
    const { response, data } = answer;
    const reply = response.ok ? normalReply(data) : null;
    if (reply && typeof reply.session_id === "string") return { reply: reply };
    if (response.status === 429) {
      const seconds = parseInt(response.headers.get("Retry-After") || "", 10);
      return { problem: PROBLEMS.busy(seconds > 0 ? seconds : 0) };
    }
    return { problem: PROBLEMS.server(response.status) };
  }

  /** The question that a short pick ("2", "the second one", "yes") of a pending "did you mean"
   * chose: the server answers a pick with that choice, sure (confidence 1). */
  function chosenQuestion(text, reply) {
    const last = state.items[state.items.length - 1];
    if (!last || last.type !== "bot" || last.reply.kind !== "clarify") return null;
    if (reply.kind !== "answer" || reply.confidence !== 1 || text.trim().length > PICK_CHARS) {
      return null;
    }
    const choice = last.reply.suggestions.find((s) => s.id === reply.id);
    return choice && choice.question !== text.trim() ? choice.question : null;
  }

  function restoreQuestion(text) {
    const typed = input.value;                       // what was typed while waiting stays too
    input.value = !typed || typed === text ? text : text + "\n" + typed;
    fitInput();
  }

  async function send(text) {
    if (busy || !text.trim()) return;
    busy = true;
    if (input.value === text) {
      input.value = "";
      fitInput();
    }
    const question = { type: "user", text: text };
    const echo = showQuestion(question);
    log.append(typing);
    scrollToEnd();
    announce("Looking for an answer\u2026");
    const outcome = await ask(text);
    typing.remove();
    busy = false;
    if (outcome.problem) {
      echo.remove();
      restoreQuestion(text);
      showNotice(outcome.problem);
      return;
    }
    const reply = outcome.reply;
    clearNotices();
    let asked = echo;
    const chosen = chosenQuestion(text, reply);
    if (chosen) {                                    // "2" is shown as the question it picked
      question.chosen = chosen;
      asked = showQuestion(question);
      echo.replaceWith(asked);
    }
    const item = { type: "bot", reply: reply };
    state.session = reply.session_id;
    state.items.push(question, item);
    saveState();
    const shown = showReply(item);
    announce("FAQ bot: " + shown.said);
    scrollToTop(asked);
  }

  function welcome() {
    const message = addMessage("bot", [el("p", {}, [WELCOME])]);
    if (starters.length) message.append(chipGroup("You could ask", starters));
    return message;
  }

  function limitsFrom(data) {
    for (const [name, key] of [["message", "max_message_chars"], ["comment", "max_comment_chars"]]) {
      if (Number.isInteger(data[key]) && data[key] > 0) LIMITS[name] = data[key];
    }
    input.maxLength = LIMITS.message;
    root.querySelectorAll(".comment textarea").forEach((box) => { box.maxLength = LIMITS.comment; });
  }

  async function loadTopics(message) {
    try {
      const { response, data } = await request(API.topics);
      if (!response.ok || !data) return;
      limitsFrom(data);
      if (Array.isArray(data.topics)) {
        starters = data.topics.filter((t) => t && typeof t.question === "string");
      }
      if (starters.length && message.isConnected) {
        message.append(chipGroup("You could ask", starters));
        refreshChips();
      }
    } catch (error) {
      /* the welcome stands without starters; a failed question will say what is wrong */
    }
  }

  function start() {
    started = true;
    const first = welcome();
    for (const item of state.items) {
      if (item.type === "user") showQuestion(item);
      else showReply(item);
    }
    refreshChips();
    loadTopics(first);
  }

  function newConversation() {
    if (busy) return;
    state.session = null;
    state.items = [];
    saveState();
    log.replaceChildren();
    welcome();
    refreshChips();
    announce("New conversation started.");
    input.focus();
  }

  // -- the question box: grows with its text, counts characters near the limit --------------
  function fitInput() {
    input.rows = 1;
    if (!input.value) {                               // the placeholder fits on one line
      updateCounter();
      return;
    }
    const style = window.getComputedStyle(input);
    const line = parseFloat(style.lineHeight) || 22;
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    const lines = Math.round((input.scrollHeight - padding) / line);
    input.rows = Math.max(1, Math.min(INPUT_ROWS, lines || 1));
    updateCounter();
  }

  function updateCounter() {
    const left = LIMITS.message - input.value.length;
    const near = input.value.length >= LIMITS.message * COUNTER_FROM;
    counter.hidden = !near;
    if (!near) {
      counter.textContent = "";                       // the box's description says nothing then
      counter.classList.remove("full");
      return;
    }
    const wasFull = counter.classList.contains("full");
    counter.classList.toggle("full", left <= 0);
    counter.textContent = left > 0
      ? left.toLocaleString("en-US") + (left === 1 ? " character left" : " characters left")
      : "Limit reached: " + LIMITS.message.toLocaleString("en-US") + " characters";
    if (left <= 0 && !wasFull) announce(counter.textContent);
  }

  // -- opening, closing, and focus kept inside the full-screen panel ------------------------
  function isModal() {
    return FULL_SCREEN.matches;
  }

  function applyLayout() {
    frame.classList.toggle("full-screen", isModal());
    if (isModal()) panel.setAttribute("aria-modal", "true");
    else panel.removeAttribute("aria-modal");
  }

  function focusables() {
    return Array.from(panel.querySelectorAll(
      "a[href], button:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])",
    )).filter((node) => node.getClientRects().length > 0);
  }

  function open() {
    if (!started) start();
    panel.hidden = false;
    frame.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    fitInput();
    scrollToEnd();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    frame.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
  closeButton.addEventListener("click", close);
  newButton.addEventListener("click", newConversation);
  root.addEventListener("keydown", (event) => {
    if (panel.hidden) return;
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && isModal()) {
      const list = focusables();
      const first = list[0];
      const last = list[list.length - 1];
      const active = root.activeElement;
      if (event.shiftKey && (active === first || !panel.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !panel.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  // Focus that still reaches the page behind the full-screen panel is brought back.
  document.addEventListener("focusin", (event) => {
    if (!panel.hidden && isModal() && event.target !== host) input.focus();
  });
  input.addEventListener("input", fitInput);
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
  FULL_SCREEN.addEventListener("change", applyLayout);

  loadState();
  applyLayout();
  document.body.append(host);
})();
