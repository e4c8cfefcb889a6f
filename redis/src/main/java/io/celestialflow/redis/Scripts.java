package io.celestialflow.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The worker's Lua scripts, the same text as the Go worker's ({@code go-worker/commit.go} and
 * {@code go-worker/claim.go}; a test compares them), so both workers commit and renew alike
 * (docs/protocol.md sections 5.2 and 5.3).
 */
final class Scripts {
  private Scripts() {}

  /**
   * Steps 1 and 2 of section 5.2 (and the dead-letter path of 5.5) in one atomic call. KEYS are the
   * task streams and the keys appended to; ARGV is group, consumer, then per task stream: its key
   * index, entry count, lowest and highest entry id, and per entry: its id and append count, and
   * per append: key index, mode ({@code r} required result, {@code o} optional result, {@code d}
   * dead letter), number (result: PEXPIRE ttl in ms, 0 none; dead letter: MAXLEN ~ cap), message.
   * An entry no longer pending for this consumer is left alone ("lost"); an entry whose required
   * key holds something other than a stream stays pending ("bad"). Returns {lost, bad}.
   */
  static final Script COMMIT =
      new Script(
          """
          local group, consumer = ARGV[1], ARGV[2]
          local usable, expire = {}, {}
          local function ok(k)
            local u = usable[k]
            if u == nil then
              local t = redis.call('TYPE', KEYS[k])['ok']
              u = (t == 'stream' or t == 'none')
              usable[k] = u
            end
            return u
          end
          local lost, bad = {}, {}
          local i = 3
          while i <= #ARGV do
            local stream = KEYS[tonumber(ARGV[i])]
            local n = tonumber(ARGV[i + 1])
            -- One XPENDING for the batch's range: which of its entries are still this consumer's.
            local own = {}
            for _, e in ipairs(redis.call('XPENDING', stream, group, ARGV[i + 2], ARGV[i + 3], 1000000, consumer)) do
              own[e[1]] = true
            end
            i = i + 4
            local done = {}
            for _ = 1, n do
              local id, na = ARGV[i], tonumber(ARGV[i + 1])
              i = i + 2
              local writable = true
              for a = 0, na - 1 do
                if ARGV[i + 4 * a + 1] ~= 'o' and not ok(tonumber(ARGV[i + 4 * a])) then writable = false end
              end
              if not own[id] then
                lost[#lost + 1] = id
              elseif not writable then
                bad[#bad + 1] = id
              else
                for a = 0, na - 1 do
                  local j = i + 4 * a
                  local k, mode, num, msg = tonumber(ARGV[j]), ARGV[j + 1], tonumber(ARGV[j + 2]), ARGV[j + 3]
                  if mode == 'd' then
                    redis.call('XADD', KEYS[k], 'MAXLEN', '~', num, '*', 'm', msg)
                  elseif ok(k) then
                    redis.call('XADD', KEYS[k], '*', 'm', msg)
                    if num > 0 and (expire[k] == nil or num > expire[k]) then expire[k] = num end
                  end
                end
                done[#done + 1] = id
              end
              i = i + 4 * na
            end
            for k = 1, #done, 500 do
              local last = math.min(k + 499, #done)
              redis.call('XACK', stream, group, unpack(done, k, last))
              redis.call('XDEL', stream, unpack(done, k, last))
            end
          end
          for k, ttl in pairs(expire) do redis.call('PEXPIRE', KEYS[k], ttl) end
          return {lost, bad}
          """);

  /**
   * Section 5.3: claims again (XCLAIM min-idle 0 JUSTID) every entry still pending for this
   * consumer and returns the others. KEYS[1] the task stream; ARGV group, consumer, entry ids.
   */
  static final Script RENEW =
      new Script(
          """
          local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
          local lost = {}
          local claim = {'XCLAIM', stream, group, consumer, 0}
          local function flush()
            if #claim > 5 then
              claim[#claim + 1] = 'JUSTID'
              redis.call(unpack(claim))
              claim = {'XCLAIM', stream, group, consumer, 0}
            end
          end
          for i = 3, #ARGV do
            local id = ARGV[i]
            if #redis.call('XPENDING', stream, group, id, id, 1, consumer) == 1 then
              claim[#claim + 1] = id
              if #claim == 505 then flush() end
            else
              lost[#lost + 1] = id
            end
          end
          flush()
          return lost
          """);

  /** A script, run by its SHA-1 digest and sent in full when Redis does not have it yet. */
  static final class Script {
    final String text;
    final String sha;

    Script(String text) {
      this.text = text;
      try {
        this.sha =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-1 in this JVM", e);
      }
    }

    /** Runs the script ({@code EVALSHA}, then {@code EVAL} if Redis lost its script cache). */
    Object run(Jedis j, List<String> keys, List<String> args) {
      try {
        return j.evalsha(sha, keys, args);
      } catch (JedisNoScriptException e) {
        return j.eval(text, keys, args);
      }
    }
  }
}
