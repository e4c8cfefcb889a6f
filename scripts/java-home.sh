# Sourced by the scripts: points JAVA_HOME at the newest JDK 21+ under /usr/lib/jvm (Temurin
# preferred) unless JAVA_HOME already names one. The machine's default `java` is 17, too old.
cf_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(cf_java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  JAVA_HOME=""
  for candidate in $(ls -d /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/*-openjdk* 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/bin/javac" ] && [ "$(cf_java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "error: no JDK 21 or newer under /usr/lib/jvm; install Temurin 21+ and set JAVA_HOME" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8.7 on JDK 24+ prints sun.misc.Unsafe warnings from its bundled Guava; harmless, silenced.
if [ "$(cf_java_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
