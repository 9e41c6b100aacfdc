/**
 * The Lua scripts the hubs run in Redis. Each is one atomic step, so the place a publication gets
 * in its topic's stream, what the history and retained keys hold, and the order of the bus agree
 * for every hub: Redis runs one script at a time, and a subscriber gets published messages in
 * the order they ran.
 */

/**
 * Publishes: the topic's next offset (a new epoch, and an empty stream, when the topic has none),
 * the history (a stream trimmed to the history size, expiring with the age limit) and the retained
 * key, then the bus.
 * KEYS: meta, stream, retained, topics set. ARGV: topic, head, message, history size, age limit in
 * s (0: none), retain (1/0), a new epoch (used only when the topic has none), bus channel.
 * Returns {offset, epoch}.
 */
export const publishScript = `
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[7]
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
  redis.call('DEL', KEYS[2])
  redis.call('SADD', KEYS[4], ARGV[1])
end
local offset = redis.call('HINCRBY', KEYS[1], 's', 1)
local body = string.format('%d', offset) .. ' ' .. epoch .. ' ' .. string.len(ARGV[2]) .. '\\n' .. ARGV[2] .. ARGV[3]
local size = tonumber(ARGV[4])
if size > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', size, '0-' .. string.format('%d', offset), 'd', body)
  local ttl = tonumber(ARGV[5])
  if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
end
if ARGV[6] == '1' then
  if string.len(ARGV[3]) == 0 then redis.call('DEL', KEYS[3]) else redis.call('SET', KEYS[3], body) end
end
redis.call('PUBLISH', ARGV[8], 'p' .. body)
return {offset, epoch}
`;

/**
 * Sets (or with an empty value deletes) one field of a hash, then tells the bus: one step, so a hub
 * that reads the hash after the message cannot miss the change.
 * KEYS: hash. ARGV: field, value ('' deletes), bus channel, message. Returns 1.
 */
export const hashAndTellScript = `
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

/**
 * A device key created or revoked: its record is kept if Redis has none yet, its revocation if it
 * is revoked and Redis has none yet (a key never changes otherwise, so the first writes stand), then
 * tells the bus.
 * KEYS: device keys, revoked keys. ARGV: id, record, revoked at ('': not revoked), bus channel,
 * message. Returns 1.
 */
export const keyTellScript = `
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * Removes a registration: its entry and where its socket was, then tells the bus.
 * KEYS: registrations, sockets. ARGV: id, bus channel, message. Returns 1 when it existed.
 */
export const unregisterScript = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return removed
`;

/**
 * A socket closed: forgets where it was unless another hub (or a newer socket) has taken it since.
 * KEYS: sockets. ARGV: id, `<hub> <nonce>`, bus channel, message. Returns 1.
 */
export const socketClosedScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

/**
 * Clears a topic's retained message (`retained`) or its history (`history`), then tells the bus.
 * KEYS: retained or stream. ARGV: bus channel, message. Returns 1.
 */
export const deleteAndTellScript = `
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;
