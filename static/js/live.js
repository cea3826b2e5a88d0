// The live speakers' list: listens on the hearing's WebSocket, which sends the whole public state
// on connect and after every change, and counts the speaker's time down from the server's clock.
// The page works without it (it reloads itself); the console uses it for the clock and to show
// what another chair did.
(function () {
  "use strict";

  var root = document.getElementById("floor-live") || document.getElementById("floor-console");
  if (!root) {
    return;
  }
  var isConsole = root.id === "floor-console";
  var labels = root.dataset;
  // Server time minus this browser's time, from the last state received.
  var clockOffset = 0;
  var endsAt = null;
  var lastState = null;
  var retryDelay = 1000;
  var MAX_RETRY_DELAY = 30000;

  function field(name) {
    return root.querySelector('[data-field="' + name + '"]');
  }

  function formatSeconds(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var clock = field("clock");
    if (!clock || !endsAt) {
      return;
    }
    var left = Math.round((endsAt - (Date.now() + clockOffset)) / 1000);
    clock.textContent = left > 0 ? formatSeconds(left) : labels.labelOvertime;
    clock.classList.toggle("floor-overtime", left <= 0);
  }

  function speakerNodes(speaker) {
    var parts = [
      ["speaker-name", speaker.name || labels.labelParticipant],
      ["speaker-organization", speaker.organization],
      ["speaker-category", speaker.category_label],
    ];
    return parts.map(function (part) {
      var span = document.createElement("span");
      span.className = part[0];
      span.dir = "auto";
      span.textContent = part[1];
      return span;
    });
  }

  function fill(element, nodes) {
    element.replaceChildren();
    nodes.forEach(function (node, index) {
      if (index) {
        element.append(" ");
      }
      element.append(node);
    });
  }

  function render(state) {
    field("segment").textContent = state.segment ? state.segment.title : "";
    field("status").textContent = state.ended
      ? labels.labelEnded
      : state.segment
        ? state.open
          ? labels.labelOpen
          : labels.labelClosed
        : "";
    var speaking = field("speaking");
    if (state.speaking) {
      fill(speaking, speakerNodes(state.speaking));
    } else {
      speaking.textContent = labels.labelNobody;
      field("clock").textContent = "";
    }
    var waiting = field("waiting");
    var items = state.waiting.map(function (speaker) {
      var item = document.createElement("li");
      fill(item, speakerNodes(speaker));
      return item;
    });
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "floor-empty";
      empty.textContent = labels.labelNoneWaiting;
      items.push(empty);
    }
    waiting.replaceChildren.apply(waiting, items);
  }

  function receive(state, receivedAt) {
    clockOffset = Date.parse(state.server_time) - receivedAt;
    endsAt = state.speaking ? Date.parse(state.speaking.ends_at) : null;
    var changed = lastState !== null && JSON.stringify(withoutTime(state)) !== lastState;
    lastState = JSON.stringify(withoutTime(state));
    if (isConsole) {
      // Another chair changed the list: show it, unless this one is typing.
      var typing = document.activeElement && document.activeElement.tagName === "INPUT";
      if (changed && !typing) {
        window.location.reload();
      }
    } else {
      render(state);
    }
    root.dataset.updatedAt = String(receivedAt);
    tick();
  }

  function withoutTime(state) {
    var copy = Object.assign({}, state);
    delete copy.server_time;
    return copy;
  }

  function connect() {
    // The page's own host, unless the server names another origin for its WebSocket.
    var url = labels.socketUrl;
    if (url.charAt(0) === "/") {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      url = scheme + window.location.host + url;
    }
    var socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      root.classList.remove("floor-offline");
    });
    socket.addEventListener("message", function (event) {
      receive(JSON.parse(event.data), Date.now());
    });
    socket.addEventListener("close", function () {
      // Reconnect with a growing, jittered delay; the server then sends the whole state again.
      root.classList.add("floor-offline");
      var delay = retryDelay * (0.5 + Math.random() / 2);
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY);
      window.setTimeout(connect, delay);
    });
  }

  var clock = field("clock");
  if (clock && clock.dataset.endsAt) {
    endsAt = Date.parse(clock.dataset.endsAt);
  }
  window.setInterval(tick, 250);
  connect();
})();
