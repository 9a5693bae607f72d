export * as Tracing from "./Tracing.js"
export * as TraceContext from "./traceContext.js"
