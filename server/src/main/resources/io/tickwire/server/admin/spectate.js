'use strict';

// Spectator page: watches (or plays) an arena room live with the TypeScript SDK's bundle (window.Tickwire).
// Everything it draws is exposed as window.tickwireSpectator for headless checks.
(function () {
  var ARENA_HALF_SIZE = 50;
  var PLAYER_SPEED = 6;
  var COLORS = { npc: '#4fb3ff', player: '#5bd18b', own: '#ffb347', grid: '#1b2530' };
  var params = new URLSearchParams(location.search);
  var wsUrl = params.get('ws') || ('ws://' + location.hostname + ':7070/ws');
  var canvas = document.getElementById('canvas');
  var ctx = canvas.getContext('2d');
  var view = window.tickwireSpectator = { status: 'idle', frames: 0, drawn: [], own: null, session: null, error: null };
  var session = null;
  var render = null;
  var interpolator = null;
  var predictor = null;
  var keys = {};
  var fields = null;

  function setStatus(text, cls) {
    var el = document.getElementById('status');
    el.textContent = text;
    el.className = 'status' + (cls ? ' ' + cls : '');
    view.status = text;
  }

  if (!window.Tickwire) {
    setStatus('tickwire.js is not built into this server: cd client-ts && npm ci && npm run build, then package the server', 'down');
    view.error = 'no bundle';
    return;
  }

  function refreshRooms() {
    fetch('rooms', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (body) {
      var select = document.getElementById('room');
      var chosen = select.value;
      while (select.options.length > 1) { select.remove(1); }
      body.rooms.filter(function (room) { return room.type === 'arena'; }).forEach(function (room) {
        var option = document.createElement('option');
        option.value = room.id;
        option.textContent = room.id + ' (' + room.players + '/' + room.maxPlayers + ' players)';
        select.appendChild(option);
      });
      select.value = chosen;
      if (select.value !== chosen) { select.value = ''; }
      view.rooms = body.rooms.length;
    }).catch(function () { /* the monitor shows server state; keep the last list */ });
  }

  // The arena's rules for one input (ArenaGame.onInput + stepPlayer), for prediction.
  function arenaStep(tickRateHz) {
    var dt = 1 / tickRateHz;
    return function (state, input) {
      var ax = (input[0] << 24 >> 24) / 127;
      var ay = (input[1] << 24 >> 24) / 127;
      var len = Math.sqrt(ax * ax + ay * ay);
      if (len > 1) { ax /= len; ay /= len; }
      if (ax === 0 && ay === 0) { return; }
      state.setDouble(fields.x, state.getDouble(fields.x) + ax * PLAYER_SPEED * dt);
      state.setDouble(fields.y, state.getDouble(fields.y) + ay * PLAYER_SPEED * dt);
      state.setDouble(fields.heading, Math.atan2(ay, ax));
    };
  }

  function axisInput() {
    var ax = (keys.ArrowRight || keys.d ? 1 : 0) - (keys.ArrowLeft || keys.a ? 1 : 0);
    var ay = (keys.ArrowUp || keys.w ? 1 : 0) - (keys.ArrowDown || keys.s ? 1 : 0);
    return new Uint8Array([Math.round(ax * 127) & 0xff, Math.round(ay * 127) & 0xff]);
  }

  function join(play) {
    var roomId = document.getElementById('room').value;
    var client = new Tickwire.TickwireClient({ url: wsUrl });
    setStatus('joining…');
    var joining = roomId ? client.joinById(roomId) : client.joinByType('arena');
    joining.then(function (s) {
      session = view.session = s;
      fields = { x: s.schema.field('x'), y: s.schema.field('y'), heading: s.schema.field('heading'), kind: s.schema.field('kind') };
      interpolator = s.interpolator();
      render = interpolator.newRenderState();
      predictor = play ? s.predictor(arenaStep(s.tickRateHz)) : null;
      view.mode = play ? 'play' : 'watch';
      view.roomId = s.roomId;
      view.playerEntityId = s.playerEntityId;
      s.addListener({
        onDisconnected: function (_s, code, reason, again) { setStatus('connection lost (' + code + ')' + (again ? ', resuming…' : ''), 'down'); },
        onReconnected: function () { setStatus((play ? 'playing ' : 'watching ') + s.roomId, 'ok'); },
        onClosed: function (_s, code, reason) { setStatus('closed: ' + code + ' ' + reason, 'down'); }
      });
      setStatus((play ? 'playing ' : 'watching ') + s.roomId, 'ok');
      document.getElementById('leave').disabled = false;
      requestAnimationFrame(frame);
    }, function (e) {
      setStatus('join failed: ' + e.message, 'down');
      view.error = e.message;
    });
  }

  function toScreen(v) {
    return (v + ARENA_HALF_SIZE) / (2 * ARENA_HALF_SIZE) * canvas.width;
  }

  function drawEntity(x, y, heading, color, radius) {
    var sx = toScreen(x);
    var sy = canvas.height - toScreen(y);
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(sx, sy, radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(sx, sy);
    ctx.lineTo(sx + Math.cos(heading) * radius * 2, sy - Math.sin(heading) * radius * 2);
    ctx.stroke();
    return { sx: sx, sy: sy };
  }

  function frame(now) {
    if (session === null) { return; }
    if (predictor !== null) { predictor.update(now, axisInput()); }
    interpolator.sample(now, render);
    ctx.fillStyle = '#0b1015';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = COLORS.grid;
    ctx.lineWidth = 1;
    for (var g = 0; g <= 10; g++) {
      var p = g * canvas.width / 10;
      ctx.beginPath(); ctx.moveTo(p, 0); ctx.lineTo(p, canvas.height); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(0, p); ctx.lineTo(canvas.width, p); ctx.stroke();
    }
    var drawn = [];
    var ownId = session.playerEntityId;
    for (var i = 0; i < render.count; i++) {
      var id = render.entityIdAt(i);
      if (predictor !== null && id === ownId && predictor.hasState) { continue; }
      var x = render.getDouble(i, fields.x);
      var y = render.getDouble(i, fields.y);
      var kind = render.getInt(i, fields.kind);
      var color = id === ownId ? COLORS.own : kind === 0 ? COLORS.player : COLORS.npc;
      var at = drawEntity(x, y, render.getDouble(i, fields.heading), color, kind === 0 ? 9 : 6);
      drawn.push({ id: id, x: x, y: y, kind: kind, sx: at.sx, sy: at.sy, color: color });
    }
    view.own = null;
    if (predictor !== null && predictor.hasState) {
      var px = predictor.state.getDouble(fields.x);
      var py = predictor.state.getDouble(fields.y);
      var own = drawEntity(px, py, predictor.state.getDouble(fields.heading), COLORS.own, 9);
      view.own = { id: ownId, x: px, y: py, sx: own.sx, sy: own.sy, color: COLORS.own, predicted: true };
      drawn.push(view.own);
    }
    view.drawn = drawn;
    view.frames++;
    view.tick = session.mirror.tick;
    view.mirrorCount = session.mirror.count;
    document.getElementById('entities').textContent = String(render.count);
    document.getElementById('tick').textContent = String(session.mirror.tick);
    document.getElementById('delay').textContent = render.delayMs.toFixed(0) + ' ms';
    document.getElementById('rtt').textContent = session.clock.rttMs >= 0 ? session.clock.rttMs.toFixed(1) + ' ms' : '–';
    requestAnimationFrame(frame);
  }

  document.getElementById('watch').addEventListener('click', function () { join(false); });
  document.getElementById('play').addEventListener('click', function () { join(true); });
  document.getElementById('leave').addEventListener('click', function () {
    if (session !== null) {
      var s = session;
      session = null;
      view.session = null;
      s.leave('left the spectator page');
      document.getElementById('leave').disabled = true;
      setStatus('left');
    }
  });
  window.addEventListener('keydown', function (e) { keys[e.key] = true; });
  window.addEventListener('keyup', function (e) { keys[e.key] = false; });
  refreshRooms();
  setInterval(refreshRooms, 2000);
})();
