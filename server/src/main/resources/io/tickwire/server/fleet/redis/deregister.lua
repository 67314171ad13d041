-- A server leaves the directory: its entry and its rooms' entries go at once instead of at TTL.
-- ARGV: prefix, serverId, roomCount, then per room: id, type.
local p, sid = ARGV[1], ARGV[2]
local n = tonumber(ARGV[3])
local i = 4
for _ = 1, n do
  local rid, rtype = ARGV[i], ARGV[i + 1]
  i = i + 2
  if redis.call('HGET', p .. 'room:' .. rid, 'server') == sid then
    redis.call('DEL', p .. 'room:' .. rid, p .. 'room:' .. rid .. ':res')
    redis.call('ZREM', p .. 'rooms', rid)
    redis.call('ZREM', p .. 'open:' .. rtype, rid)
  end
end
redis.call('DEL', p .. 'server:' .. sid)
redis.call('ZREM', p .. 'servers', sid)
redis.call('ZREM', p .. 'load', sid)
return n
