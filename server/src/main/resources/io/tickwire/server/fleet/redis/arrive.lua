-- Players took their seats on a server: each one's reservation becomes a taken seat in the same step,
-- so a matchmaker never counts a player both as seated and as reserved. Sent by the server as soon as
-- the seats are taken, on the same connection and thread as its heartbeats (Redis applies them in the
-- order the server read its seat counts). Rooms the directory does not hold for this server (not
-- registered yet, or Redis restarted) are left to the next heartbeat.
-- ARGV: prefix, serverId, draining (0|1), then per room: id, type, maxPlayers, seatsTaken (absolute, read
--       together with the arrivals), locked (0|1), arrived player ids (\n-separated, may be empty).
-- Returns the number of rooms updated.
local p, sid, draining = ARGV[1], ARGV[2], ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local updated = 0
for i = 4, #ARGV, 6 do
  local rid, rtype, max, taken, locked, arrived = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]),
    ARGV[i + 4], ARGV[i + 5]
  local rkey = p .. 'room:' .. rid
  if redis.call('HGET', rkey, 'server') == sid then
    local reskey = rkey .. ':res'
    redis.call('ZREMRANGEBYSCORE', reskey, '-inf', now)
    local ids = {}
    for pid in string.gmatch(arrived, '[^\n]+') do
      ids[#ids + 1] = pid
      if #ids == 128 then
        redis.call('ZREM', reskey, unpack(ids))
        ids = {}
      end
    end
    if #ids > 0 then
      redis.call('ZREM', reskey, unpack(ids))
    end
    redis.call('HSET', rkey, 'taken', taken)
    local free = max - taken - redis.call('ZCARD', reskey)
    if free > 0 and draining == '0' and locked == '0' then
      redis.call('ZADD', p .. 'open:' .. rtype, free, rid)
    else
      redis.call('ZREM', p .. 'open:' .. rtype, rid)
    end
    updated = updated + 1
  end
end
return updated
