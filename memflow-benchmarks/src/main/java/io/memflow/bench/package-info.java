/**
 * JMH benchmarks. Every benchmark runs memflow side by side with its anchor (Apache Flink's own
 * class, or the JDK) in the same run; results and the command that reproduces them are in
 * {@code docs/benchmarks.md}.
 */
package io.memflow.bench;
