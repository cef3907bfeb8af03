# Sourced by scripts/run.sh and bench/: `cds_java_args JAR DIR [TRAINING_ARGS...]` prints the java
# arguments that start a Spring Boot JAR from its extracted form with a class-data archive (AppCDS),
# which roughly halves start-up (docs/decisions/0020-the-request-path-and-start-up.md).
# The extraction and the archive are made once per jar and JVM options (keyed by their checksum; the
# build is reproducible) in DIR, by a training run that starts the application up to its refresh and exits,
# in a scratch directory, with JAVA_OPTS and TRAINING_ARGS. Falls back to "-jar JAR" when any of that fails.
cds_java_args() {
    local jar=$1 dir=$2 sum home name scratch
    shift 2
    sum=$(cds_key "$jar")
    home="$dir/$sum"
    name=$(basename "$jar")
    if [ ! -s "$home/app.jsa" ]; then
        rm -rf "$dir"
        mkdir -p "$home"
        if ! java -Djarmode=tools -jar "$jar" extract --destination "$home/app" >"$home/extract.log" 2>&1; then
            echo "-jar $jar"
            return
        fi
        scratch=$(mktemp -d)
        # shellcheck disable=SC2086 # JAVA_OPTS are words
        (cd "$scratch" && java ${JAVA_OPTS:-} -XX:ArchiveClassesAtExit="$home/app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
            -Dspring.context.exit=onRefresh -jar "$home/app/$name" "$@") >"$home/training.log" 2>&1 || true
        rm -rf "$scratch"
        if [ ! -s "$home/app.jsa" ]; then
            echo "-jar $jar"
            return
        fi
    fi
    echo "-XX:SharedArchiveFile=$home/app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off -jar $home/app/$name"
}

# The archive's key: the jar's checksum and JAVA_OPTS (an archive made with other options may not be used).
cds_key() {
    { sha256sum <"$1"; echo "${JAVA_OPTS:-}"; } | sha256sum | cut -c1-16
}
