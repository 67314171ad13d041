'use strict';

(function () {
  var REFRESH_MS = 1000;

  function formatBytesPerSecond(bytes) {
    if (bytes >= 1024 * 1024) { return (bytes / (1024 * 1024)).toFixed(2) + ' MiB/s'; }
    if (bytes >= 1024) { return (bytes / 1024).toFixed(1) + ' KiB/s'; }
    return bytes + ' B/s';
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  function render(rooms) {
    var body = document.getElementById('room-rows');
    while (body.firstChild) { body.removeChild(body.firstChild); }
    rooms.sort(function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; });
    var players = 0;
    var bytes = 0;
    var worst = 0;
    rooms.forEach(function (room) {
      players += room.players;
      bytes += room.bytesOutPerSecond;
      worst = Math.max(worst, room.tickP99Ms);
      var row = document.createElement('tr');
      row.setAttribute('data-room-id', room.id);
      cell(row, room.id, 'id');
      cell(row, room.type);
      cell(row, room.players + ' / ' + room.maxPlayers, 'num');
      cell(row, String(room.tick), 'num');
      cell(row, room.tickP99Ms.toFixed(3) + ' ms', 'num');
      cell(row, formatBytesPerSecond(room.bytesOutPerSecond), 'num');
      cell(row, String(room.loop), 'num');
      body.appendChild(row);
    });
    if (rooms.length === 0) {
      var empty = document.createElement('tr');
      empty.className = 'empty';
      var td = document.createElement('td');
      td.colSpan = 7;
      td.textContent = 'no rooms yet';
      empty.appendChild(td);
      body.appendChild(empty);
    }
    document.getElementById('rooms-count').textContent = String(rooms.length);
    document.getElementById('players-count').textContent = String(players);
    document.getElementById('bandwidth').textContent = formatBytesPerSecond(bytes);
    document.getElementById('worst-p99').textContent = worst.toFixed(3) + ' ms';
  }

  function setStatus(text, ok) {
    var status = document.getElementById('status');
    status.textContent = text;
    status.className = 'status ' + (ok ? 'ok' : 'down');
  }

  function refresh() {
    fetch('rooms', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) {
        render(data.rooms);
        setStatus('live · ' + new Date().toLocaleTimeString(), true);
        document.documentElement.setAttribute('data-loaded', 'true');
      })
      .catch(function (err) {
        setStatus('unreachable: ' + err.message, false);
      })
      .then(function () { setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
}());
