extension Controller {
    /// A task of this controller (a service action, a power request) reports under
    /// `request`; clients follow it with `GET …/status/<request>` until it ended and
    /// every line is read. Local to this controller: a task is not an event.
    public func startTask(_ request: String, actor: String) {
        requests.started(task: request, actor: actor, at: physicalMillis())
    }

    public func reportTask(_ request: String, _ text: String, status: Int = 200) {
        requests.reported(request, text, status: status, at: physicalMillis())
    }

    public func endTask(_ request: String) {
        requests.ended(task: request)
    }
}
