import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry traces over OTLP/HTTP when an endpoint is configured; otherwise a no-op tracer.
 * Spans are made by hand at the two entry points that matter (HTTP requests and jobs) rather
 * than by monkey-patching instrumentation, which ESM makes fragile.
 */
export interface Tracing {
  readonly tracer: Tracer;
  readonly enabled: boolean;
  /** Parent context from incoming W3C `traceparent`/`tracestate` headers. */
  extract(headers: Record<string, string | string[] | undefined>): Context;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracing(options: {
  endpoint: string | undefined;
  serviceName: string;
}): Tracing {
  const propagator = new W3CTraceContextPropagator();
  const extract = (headers: Record<string, string | string[] | undefined>) =>
    propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  if (!options.endpoint) {
    return {
      tracer: trace.getTracer('herald-noop'),
      enabled: false,
      extract,
      flush: async () => undefined,
      shutdown: async () => undefined,
    };
  }
  const exporter = new OTLPTraceExporter({
    url: `${options.endpoint.replace(/\/$/, '')}/v1/traces`,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  return {
    tracer: provider.getTracer('herald'),
    enabled: true,
    extract,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Runs fn inside a span that records errors; used for jobs. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Record<string, string | number>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes });
  try {
    return await fn(span);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
