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
   * per append: key index, mode ({@code r} required result, {@code p} required result packed with
   * the others for its key into entries of kind {@code results}, {@code o} optional result, {@code
   * d} dead letter), number (result: PEXPIRE ttl in ms, 0 none; dead letter: MAXLEN ~ cap),
   * message; an entry with one append like the last append written in full may take the short form:
   * its id, {@code =}, its message. An entry no longer pending for this consumer is left alone
   * ("lost"); an entry whose required key holds something other than a stream stays pending
   * ("bad"). Returns {lost, bad}.
   */
  static final Script COMMIT =
      new Script(
          """
          local group, consumer = ARGV[1], ARGV[2]
          local num, usable, expire = {}, {}, {}
          -- ARGV numbers repeat (key indexes, counts, ttls): each text is converted once.
          local function tonum(s)
            local v = num[s]
            if v == nil then
              v = tonumber(s)
              num[s] = v
            end
            return v
          end
          local function check(k)
            local t = redis.call('TYPE', KEYS[k])['ok']
            local u = (t == 'stream' or t == 'none')
            usable[k] = u
            return u
          end
          -- Packed results (mode 'p', section 3.5): gathered per key, appended as one entry of kind
          -- 'results' when 64 KiB are gathered and before the task stream's entries are acknowledged.
          local packs, counts, sizes = {}, {}, {}
          local function flush(k)
            local n = counts[k]
            if n ~= nil and n > 0 then
              redis.call('XADD', KEYS[k], '*', 'm', '{"v":1,"kind":"results","results":[' .. table.concat(packs[k], ',', 1, n) .. ']}')
              counts[k], sizes[k] = 0, 0
            end
          end
          local function pack(k, m)
            local p = packs[k]
            if p == nil then
              p = {}
              packs[k], counts[k], sizes[k] = p, 0, 0
            end
            local n = counts[k] + 1
            p[n] = m
            counts[k] = n
            local s = sizes[k] + #m
            sizes[k] = s
            if s >= 65536 then flush(k) end
          end
          local lost, bad, nlost, nbad = {}, {}, 0, 0
          -- The last append's key index, mode and number: an entry whose append count is '=' has one
          -- append with these, and only its message follows.
          local lk, lmode, lx
          local i, argc = 3, #ARGV
          while i <= argc do
            local stream = KEYS[tonum(ARGV[i])]
            local n = tonum(ARGV[i + 1])
            -- One XPENDING for the batch's range: which of its entries are still this consumer's.
            local own = {}
            local pending = redis.call('XPENDING', stream, group, ARGV[i + 2], ARGV[i + 3], 1000000, consumer)
            for p = 1, #pending do
              own[pending[p][1]] = true
            end
            i = i + 4
            local done, ndone = {}, 0
            for _ = 1, n do
              local id, na = ARGV[i], ARGV[i + 1]
              if na == '=' then
                if not own[id] then
                  nlost = nlost + 1
                  lost[nlost] = id
                else
                  local u = true
                  if lmode ~= 'o' then
                    u = usable[lk]
                    if u == nil then u = check(lk) end
                  end
                  if not u then
                    nbad = nbad + 1
                    bad[nbad] = id
                  else
                    if lmode == 'd' then
                      redis.call('XADD', KEYS[lk], 'MAXLEN', '~', lx, '*', 'm', ARGV[i + 2])
                    else
                      local v = usable[lk]
                      if v == nil then v = check(lk) end
                      if v then
                        if lmode == 'p' then
                          pack(lk, ARGV[i + 2])
                        else
                          redis.call('XADD', KEYS[lk], '*', 'm', ARGV[i + 2])
                        end
                        if lx > 0 then
                          local e = expire[lk]
                          if e == nil or lx > e then expire[lk] = lx end
                        end
                      end
                    end
                    ndone = ndone + 1
                    done[ndone] = id
                  end
                end
                i = i + 3
              else
                local last = i + 4 * tonum(na)
                i = i + 2
                local writable = true
                for j = i, last - 2, 4 do
                  if ARGV[j + 1] ~= 'o' then
                    local k = tonum(ARGV[j])
                    local u = usable[k]
                    if u == nil then u = check(k) end
                    if not u then writable = false end
                  end
                end
                if not own[id] then
                  nlost = nlost + 1
                  lost[nlost] = id
                elseif not writable then
                  nbad = nbad + 1
                  bad[nbad] = id
                else
                  for j = i, last - 2, 4 do
                    local k, mode, x = tonum(ARGV[j]), ARGV[j + 1], tonum(ARGV[j + 2])
                    if mode == 'd' then
                      redis.call('XADD', KEYS[k], 'MAXLEN', '~', x, '*', 'm', ARGV[j + 3])
                    else
                      local u = usable[k]
                      if u == nil then u = check(k) end
                      if u then
                        if mode == 'p' then
                          pack(k, ARGV[j + 3])
                        else
                          redis.call('XADD', KEYS[k], '*', 'm', ARGV[j + 3])
                        end
                        if x > 0 then
                          local e = expire[k]
                          if e == nil or x > e then expire[k] = x end
                        end
                      end
                    end
                  end
                  ndone = ndone + 1
                  done[ndone] = id
                end
                if last - 2 >= i then lk, lmode, lx = tonum(ARGV[last - 2]), ARGV[last - 1], tonum(ARGV[last]) end
                i = last + 2
              end
            end
            for k, n in pairs(counts) do
              if n > 0 then flush(k) end
            end
            for k = 1, ndone, 500 do
              local to = math.min(k + 499, ndone)
              redis.call('XACK', stream, group, unpack(done, k, to))
              redis.call('XDEL', stream, unpack(done, k, to))
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
    private final byte[] textBytes;
    private final byte[] shaBytes;

    Script(String text) {
      this.text = text;
      this.textBytes = text.getBytes(StandardCharsets.UTF_8);
      try {
        this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(textBytes));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-1 in this JVM", e);
      }
      this.shaBytes = sha.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@link #run} with arguments already encoded (the worker's commit: no encoding per call). */
    Object runBinary(Jedis j, List<byte[]> keys, List<byte[]> args) {
      try {
        return j.evalsha(shaBytes, keys, args);
      } catch (JedisNoScriptException e) {
        return j.eval(textBytes, keys, args);
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
