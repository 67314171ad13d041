-- Reserve a seat in one named room, atomically. A locked room takes joins by id (as on one server);
-- it stays out of open:<type>.
-- ARGV: prefix, roomId, playerId, reservationTtlMs
-- Returns {status, roomId, serverId, url, ready}; status 'ok', 'not-found', 'draining' or 'full'.
local p, rid, pid, resTtl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rkey = p .. 'room:' .. rid
local reskey = rkey .. ':res'
local r = redis.call('HMGET', rkey, 'server', 'max', 'taken', 'ready', 'type', 'locked')
if r[1] == false then
  return {'not-found'}
end
local s = redis.call('HMGET', p .. 'server:' .. r[1], 'url', 'draining')
if s[1] == false then
  return {'not-found'}
end
if s[2] ~= '0' then
  return {'draining'}
end
redis.call('ZREMRANGEBYSCORE', reskey, '-inf', now)
if redis.call('ZSCORE', reskey, pid) == false then
  local free = tonumber(r[2]) - tonumber(r[3]) - redis.call('ZCARD', reskey)
  if free <= 0 then
    return {'full'}
  end
end
redis.call('ZADD', reskey, now + resTtl, pid)
redis.call('PEXPIRE', reskey, resTtl)
redis.call('HINCRBY', p .. 'server:' .. r[1], 'load', 1)
local free = tonumber(r[2]) - tonumber(r[3]) - redis.call('ZCARD', reskey)
if free > 0 and r[6] ~= '1' then
  redis.call('ZADD', p .. 'open:' .. r[5], free, rid)
else
  redis.call('ZREM', p .. 'open:' .. r[5], rid)
end
return {'ok', rid, r[1], s[1], r[4]}
