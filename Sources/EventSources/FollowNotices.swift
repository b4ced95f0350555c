/// A follow source that tells what happened to its files (deleted, truncated, damaged): `ComparingSource` repeats a
/// compared run's notices in the main event log, with the run's name, so `watch A B …` says them for every run.
package protocol FollowNotices: AnyObject {
    /// The notices since the last call.
    func takeNotices() -> [String]
}
