/// What the dashboard reads and what it asks for. Implementations run all work in the
/// background and never block: `snapshot()` returns the latest published value at once, and
/// the commands start work and return immediately (progress and results show up in later
/// snapshots as `activity` and `message`).
///
/// The UI loop calls these from the main thread every tick; implementations must be
/// thread-safe and must never hop to the main actor (it is busy in the curses loop).
public protocol DashboardDataSource: Sendable {
    /// Starts background polling (queue, `PRAGMA data_version`, ...). Called once before the loop.
    func start()
    /// Stops background work. Called once after the loop, before the terminal is restored.
    func stop()
    /// The latest data; cheap (a copy under a lock).
    func snapshot() -> DashboardData
    /// Scan the features, emit and queue their events.
    func scan()
    /// Deliver what is due now.
    func flush()
    /// Make the events waiting for their back-off due now, then deliver (`f`, confirmed with y).
    func sendBackedOffNow()
    /// Move one dead event back to pending.
    func retry(eventID: String)
    /// Move every dead event back to pending.
    func retryAllDead()
    /// Record the current state of every feature as its baseline (then drift is measured against it).
    func acceptBaselines()
    /// The windows the paged panes (Events, Queue) want loaded into `DashboardData.pages`; called every tick,
    /// cheap when unchanged. Sources that hold every event in `DashboardData.events` ignore it.
    func request(pages: [Pane: PageRequest])
}

extension DashboardDataSource {
    /// Default: no paging (the panes list `DashboardData.events`).
    public func request(pages: [Pane: PageRequest]) {}
}
