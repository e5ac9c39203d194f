/**
 * Flink-compatible configuration basics: {@link io.memflow.config.MemorySize} (parsing and
 * arithmetic exactly as Flink does them), an immutable {@link io.memflow.config.Configuration}
 * of string options, and {@link io.memflow.config.ConfigFiles} to read Flink's configuration
 * files ({@code config.yaml} and the legacy {@code flink-conf.yaml}).
 */
package io.memflow.config;
