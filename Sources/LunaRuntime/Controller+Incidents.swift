extension Controller {
    /// Something an operator must look at, shown by `luna cluster status` on this controller.
    public func recordIncident(_ text: String) {
        incidents.append("\(name): \(text)")
        RuntimeMetrics.incidents.increment()
    }
}
