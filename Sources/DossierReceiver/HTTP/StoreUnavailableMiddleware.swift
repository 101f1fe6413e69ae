import Hummingbird

/// Answers `503` with `Retry-After` when the store is unavailable (`ReceiverStoreUnavailable`: its database is
/// unreachable, restarting or saturated), on every route; senders retry a 503, and nothing was acknowledged.
struct StoreUnavailableMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as ReceiverStoreUnavailable {
            return WebhookReceiver.error(
                503, error.description, headers: [("Retry-After", String(max(0, error.retryAfterSeconds)))])
        }
    }
}
