import Foundation

enum Parallel {
    /// `body` over `items` cut into `runs` contiguous slices of about equal length, the slices
    /// side by side on every core, the results in slice order. Each run writes a slot of its own
    /// in a buffer allocated up front (several threads writing one shared array would each check
    /// its uniqueness).
    static func slices<Element: Sendable, Result>(_ items: [Element], runs: Int,
                                                  _ body: @Sendable (ArraySlice<Element>) -> Result) -> [Result] {
        precondition(runs > 0)
        let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: runs)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        nonisolated(unsafe) let out = slots
        DispatchQueue.concurrentPerform(iterations: runs) { k in
            out[k] = body(items[items.count * k / runs ..< items.count * (k + 1) / runs])
        }
        return slots.map { $0! }
    }
}
