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
   * dead letter), number (result: PEXPIRE ttl in ms, 0 none; dead letter: MAXLEN ~ cap), message;
   * an entry with one append like the last append written in full may take the short form: its id,
   * {@code =}, its message. An entry no longer pending for this consumer is left alone ("lost"); an
   * entry whose required key holds something other than a stream stays pending ("bad"). Returns
   * {lost, bad}.
   *
   * <p>Or, with ARGV[3] {@code P}, the packed form (section 3.5): one task stream's entries whose
   * results the worker has packed already — stream key index, entry count, lowest and highest id,
   * reply key index, ttl, pack count, the packs, the entry ids — written all or nothing: when an
   * entry is lost or the reply key is bad, nothing is written and the reply is {@code {{}, {},
   * 'again'}}.
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
          -- Which of the entries in [lo, hi] of a task stream are still this consumer's: one XPENDING.
          local function owned(stream, lo, hi)
            local own = {}
            local pending = redis.call('XPENDING', stream, group, lo, hi, 1000000, consumer)
            for p = 1, #pending do
              own[pending[p][1]] = true
            end
            return own
          end
          -- Acknowledges and deletes the entries t[from..to] of a task stream, 500 per call.
          local function finish(stream, t, from, to)
            for k = from, to, 500 do
              local last = math.min(k + 499, to)
              redis.call('XACK', stream, group, unpack(t, k, last))
              redis.call('XDEL', stream, unpack(t, k, last))
            end
          end
          -- The packed form (section 3.5): one task stream, every entry's result already packed by
          -- the worker. ARGV[3] 'P', then the stream's key index, entry count, lowest and highest
          -- entry id, the reply key index, the ttl, the number of packs, the packs, the entry ids.
          -- All or nothing: if an entry is no longer this consumer's or the reply key is not a
          -- stream, nothing is written and the reply says 'again' (the worker commits the batch in
          -- the other form, entry by entry).
          if ARGV[3] == 'P' then
            local stream, n = KEYS[tonumber(ARGV[4])], tonumber(ARGV[5])
            local reply, ttl, npacks = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
            local first = 11 + npacks
            local last = first + n - 1
            local own = owned(stream, ARGV[6], ARGV[7])
            for j = first, last do
              if not own[ARGV[j]] then return {{}, {}, 'again'} end
            end
            if not check(reply) then return {{}, {}, 'again'} end
            for p = 11, first - 1 do
              redis.call('XADD', KEYS[reply], '*', 'm', ARGV[p])
            end
            if ttl > 0 then redis.call('PEXPIRE', KEYS[reply], ttl) end
            finish(stream, ARGV, first, last)
            return {{}, {}}
          end
          local lost, bad, nlost, nbad = {}, {}, 0, 0
          -- The last append's key index, mode and number: an entry whose append count is '=' has one
          -- append with these, and only its message follows.
          local lk, lmode, lx
          local i, argc = 3, #ARGV
          while i <= argc do
            local stream = KEYS[tonum(ARGV[i])]
            local n = tonum(ARGV[i + 1])
            local own = owned(stream, ARGV[i + 2], ARGV[i + 3])
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
                        redis.call('XADD', KEYS[lk], '*', 'm', ARGV[i + 2])
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
                        redis.call('XADD', KEYS[k], '*', 'm', ARGV[j + 3])
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
            finish(stream, done, 1, ndone)
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
