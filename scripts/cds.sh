# Sourced by scripts/run.sh and bench/: `cds_java_args JAR DIR [TRAINING_ARGS...]` prints the java
# arguments that start a Spring Boot JAR from its extracted form with a class archive, which takes
# half or more off start-up (docs/decisions/0020-the-request-path-and-start-up.md, 0033-start-up.md):
#   - on a JDK 25 or later, an AOT cache (JEP 483/514: classes loaded and linked ahead of time,
#     -XX:AOTCacheOutput / -XX:AOTCache);
#   - on older JDKs, a dynamic class-data archive (AppCDS, -XX:ArchiveClassesAtExit / -XX:SharedArchiveFile).
# The extraction and the archive are made once per jar, JDK and JVM options (keyed by their checksum;
# the build is reproducible) in DIR, by a training run that starts the application up to its refresh
# and exits, in a scratch directory, with JAVA_OPTS and TRAINING_ARGS. Falls back to "-jar JAR" when
# any of that fails.
cds_java_args() {
    local jar=$1 dir=$2 sum home name scratch archive
    shift 2
    sum=$(cds_key "$jar")
    home="$dir/$sum"
    name=$(basename "$jar")
    archive="$home/$(cds_archive_name)"
    if [ ! -s "$archive" ]; then
        rm -rf "$dir"
        mkdir -p "$home"
        if ! java -Djarmode=tools -jar "$jar" extract --destination "$home/app" >"$home/extract.log" 2>&1; then
            echo "-jar $jar"
            return
        fi
        scratch=$(mktemp -d)
        # shellcheck disable=SC2086 # JAVA_OPTS are words
        (cd "$scratch" && java ${JAVA_OPTS:-} $(cds_training_options "$archive") \
            -Dspring.context.exit=onRefresh -jar "$home/app/$name" "$@") >"$home/training.log" 2>&1 || true
        rm -rf "$scratch"
        if [ ! -s "$archive" ]; then
            echo "-jar $jar"
            return
        fi
    fi
    echo "$(cds_use_options "$archive") -jar $home/app/$name"
}

# Whether this JDK makes AOT caches in one step (JDK 25 and later): cached per shell.
cds_aot() {
    if [ -z "${CDS_AOT:-}" ]; then
        if java -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput '; then CDS_AOT=yes; else CDS_AOT=no; fi
    fi
    [ "$CDS_AOT" = yes ]
}

cds_archive_name() { if cds_aot; then echo app.aot; else echo app.jsa; fi; }

cds_training_options() {
    if cds_aot; then echo "-XX:AOTCacheOutput=$1 -Xlog:aot=off -Xlog:cds=off"
    else echo "-XX:ArchiveClassesAtExit=$1 -Xlog:cds=off -Xlog:cds+dynamic=off"; fi
}

cds_use_options() {
    if cds_aot; then echo "-XX:AOTCache=$1 -Xlog:aot=off -Xlog:cds=off"
    else echo "-XX:SharedArchiveFile=$1 -Xlog:cds=off -Xlog:cds+dynamic=off"; fi
}

# The archive's key: the jar's checksum, the JDK and JAVA_OPTS (an archive made by another JDK or
# with other options may not be used).
cds_key() {
    { sha256sum <"$1"; java -version 2>&1; echo "${JAVA_OPTS:-}"; } | sha256sum | cut -c1-16
}
