-- Matchmaking for one player, atomically: reserve a seat in the fullest room of the type that has
-- one (ties: the least loaded server), or, when none has, register a new room on the least loaded
-- server that is not draining, has the type and is below its room limit, with the seat reserved.
-- Uses <p>load: servers that are not draining, scored by load (seats taken plus reserved).
-- Two matchmakers running this for the last seat cannot both win: Redis runs one script at a time.
-- ARGV: prefix, roomType, playerId, reservationTtlMs, pendingRoomTtlMs, newRoomId
-- Returns {status, roomId, serverId, url, ready, created}; status 'ok' or 'no-server'.
local p, rtype, pid = ARGV[1], ARGV[2], ARGV[3]
local resTtl, pendingTtl, newId = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local open = p .. 'open:' .. rtype

local function liveServer(sid)
  local s = redis.call('HMGET', p .. 'server:' .. sid, 'url', 'draining', 'load')
  if s[1] == false or s[2] ~= '0' then
    return nil
  end
  return s
end

local function reserveIn(rid, sid, url, ready, created)
  local rkey = p .. 'room:' .. rid
  local reskey = rkey .. ':res'
  redis.call('ZADD', reskey, now + resTtl, pid)
  redis.call('PEXPIRE', reskey, resTtl)
  redis.call('HINCRBY', p .. 'server:' .. sid, 'load', 1)
  redis.call('ZINCRBY', p .. 'load', 1, sid)
  local r = redis.call('HMGET', rkey, 'max', 'taken', 'locked')
  local free = tonumber(r[1]) - tonumber(r[2]) - redis.call('ZCARD', reskey)
  if free > 0 and r[3] ~= '1' then
    redis.call('ZADD', open, free, rid)
  else
    redis.call('ZREM', open, rid)
  end
  return {'ok', rid, sid, url, ready, created}
end

-- Candidates are ranked by free seats (fewest first); among rooms with as few free seats as the best
-- one, up to four are compared by their server's load. Stale entries (expired room or server,
-- draining server, locked room, no seat left) are dropped from the index on the way.
for _ = 1, 8 do
  local candidates = redis.call('ZRANGEBYSCORE', open, 1, '+inf', 'WITHSCORES', 'LIMIT', 0, 4)
  if #candidates == 0 then
    break
  end
  local best, bestFree, bestLoad, bestServer
  for c = 1, #candidates, 2 do
    local rid = candidates[c]
    if best ~= nil and tonumber(candidates[c + 1]) > bestFree then
      break
    end
    local rkey = p .. 'room:' .. rid
    local r = redis.call('HMGET', rkey, 'server', 'max', 'taken', 'ready', 'locked')
    local s = r[1] and r[5] ~= '1' and liveServer(r[1])
    if not s then
      redis.call('ZREM', open, rid)
    else
      redis.call('ZREMRANGEBYSCORE', rkey .. ':res', '-inf', now)
      local free = tonumber(r[2]) - tonumber(r[3]) - redis.call('ZCARD', rkey .. ':res')
      if free <= 0 then
        redis.call('ZREM', open, rid)
      else
        if free ~= tonumber(candidates[c + 1]) then
          redis.call('ZADD', open, free, rid)
        end
        local load = tonumber(s[3]) or 0
        if best == nil or free < bestFree or (free == bestFree and load < bestLoad) then
          best, bestFree, bestLoad, bestServer = rid, free, load, {r[1], s[1], r[4]}
        end
      end
    end
  end
  if best then
    return reserveIn(best, bestServer[1], bestServer[2], bestServer[3], '0')
  end
end

-- A new room goes to the least loaded server that can take it: servers by load from the 'load' index
-- (the heartbeat sets it, every reservation adds one), first eight; only when none of those can take
-- the type does it read every live server.
local chosen, chosenUrl, chosenLoad, chosenMax
local function consider(sid)
  local s = redis.call('HMGET', p .. 'server:' .. sid, 'url', 'draining', 'load', 'types', 'rooms', 'maxRooms',
    'maxPlayers')
  if s[1] == false then
    redis.call('ZREM', p .. 'load', sid)
    return
  end
  if s[2] == '0' and string.find(s[4], ',' .. rtype .. ',', 1, true) and tonumber(s[5]) < tonumber(s[6]) then
    local load = tonumber(s[3])
    if chosen == nil or load < chosenLoad then
      chosen, chosenUrl, chosenLoad, chosenMax = sid, s[1], load, s[7]
    end
  end
end
for _, sid in ipairs(redis.call('ZRANGE', p .. 'load', 0, 7)) do
  consider(sid)
  if chosen ~= nil then
    break
  end
end
if chosen == nil then
  for _, sid in ipairs(redis.call('ZRANGEBYSCORE', p .. 'servers', now, '+inf')) do
    consider(sid)
  end
end
if chosen == nil then
  return {'no-server'}
end
local rkey = p .. 'room:' .. newId
redis.call('HSET', rkey, 'server', chosen, 'type', rtype, 'max', chosenMax, 'taken', 0, 'ready', '0')
redis.call('PEXPIRE', rkey, pendingTtl)
redis.call('ZADD', p .. 'rooms', now + pendingTtl, newId)
redis.call('HINCRBY', p .. 'server:' .. chosen, 'rooms', 1)
return reserveIn(newId, chosen, chosenUrl, '0', '1')
