#!/usr/bin/env bash
# The engine's hand-written kernels on their own (JMH, worker/engine/src/test/.../KernelBench): swish,
# group normalisation, the shift, pooling, each with its backward, in ns per element on one batch
# chunk of the default image net (32 images of 28x28x32). Prints JMH's table.
#
#   usage: infra/bench/kernels.sh [JMH options]
#   e.g.   infra/bench/kernels.sh                   every kernel, 1 fork, 3 warm-up and 5 measured seconds
#          infra/bench/kernels.sh -f 3 Pool         the pooling kernels only (a pattern of names), 3 forks
# Compile first (the tests' classes and their classpath, with the modules the engine needs); the
# JVM JMH forks is this machine's java.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
./mvnw -B -q -pl worker/engine -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
engine="$root/worker/engine"
exec java -cp "$engine/target/test-classes:$engine/target/classes:$(cat "$engine/target/test.classpath")" \
  org.openjdk.jmh.Main "$@"
