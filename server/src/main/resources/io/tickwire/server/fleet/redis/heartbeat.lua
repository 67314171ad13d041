-- One server's heartbeat: rewrite its entry and its rooms' entries with a fresh TTL, drop the
-- reservations whose players arrived or whose time ran out, re-rank its rooms in the open-seat
-- indexes, and forget rooms that closed since the last heartbeat. Atomic, so a matchmaker never
-- sees a player counted both as seated and as reserved.
-- ARGV: prefix, serverId, url, sessions, draining(0|1), maxRooms, maxPlayers, types(csv), ttlMs,
--       roomCount, then per room: id, type, maxPlayers, seatsTaken, arrived player ids (\n-separated),
--       locked (0|1), metadata (JSON object), then removedCount, then per removed room: id, type.
-- A locked room stays listed but leaves open:<type>: join-or-create skips it, join-by-id still works.
-- Returns the seats still reserved and not yet taken on this server.
local p, sid, url = ARGV[1], ARGV[2], ARGV[3]
local sessions, draining, maxRooms, maxPlayers, types = tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local ttl = tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reserved = 0
local n = tonumber(ARGV[10])
local i = 11
for _ = 1, n do
  local rid, rtype, max, taken, arrived = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4]
  local locked, meta = ARGV[i + 5], ARGV[i + 6]
  i = i + 7
  local rkey = p .. 'room:' .. rid
  local reskey = rkey .. ':res'
  redis.call('ZREMRANGEBYSCORE', reskey, '-inf', now)
  if arrived ~= '' then
    for pid in string.gmatch(arrived, '[^\n]+') do
      redis.call('ZREM', reskey, pid)
    end
  end
  local pending = redis.call('ZCARD', reskey)
  reserved = reserved + pending
  redis.call('HSET', rkey, 'server', sid, 'type', rtype, 'max', max, 'taken', taken, 'ready', '1', 'locked', locked,
    'meta', meta)
  redis.call('PEXPIRE', rkey, ttl)
  redis.call('ZADD', p .. 'rooms', now + ttl, rid)
  local free = max - taken - pending
  if free > 0 and draining == '0' and locked == '0' then
    redis.call('ZADD', p .. 'open:' .. rtype, free, rid)
  else
    redis.call('ZREM', p .. 'open:' .. rtype, rid)
  end
end
local removed = tonumber(ARGV[i])
i = i + 1
for _ = 1, removed do
  local rid, rtype = ARGV[i], ARGV[i + 1]
  i = i + 2
  redis.call('DEL', p .. 'room:' .. rid, p .. 'room:' .. rid .. ':res')
  redis.call('ZREM', p .. 'rooms', rid)
  redis.call('ZREM', p .. 'open:' .. rtype, rid)
end
local skey = p .. 'server:' .. sid
redis.call('HSET', skey, 'url', url, 'load', sessions + reserved, 'draining', draining, 'maxRooms', maxRooms,
  'maxPlayers', maxPlayers, 'rooms', n, 'types', ',' .. types .. ',', 'seen', now)
redis.call('PEXPIRE', skey, ttl)
if draining == '0' then
  redis.call('ZADD', p .. 'load', sessions + reserved, sid)
else
  redis.call('ZREM', p .. 'load', sid)
end
redis.call('ZADD', p .. 'servers', now + ttl, sid)
redis.call('ZREMRANGEBYSCORE', p .. 'servers', '-inf', now)
redis.call('ZREMRANGEBYSCORE', p .. 'rooms', '-inf', now)
return reserved
