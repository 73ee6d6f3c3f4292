/// SplitMix64: small, fast, and the same sequence on every platform, so a seed always gives
/// the same synthetic catalog.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
    public mutating func chance(_ p: Double) -> Bool { unit() < p }
}

/// Picks from a list with Zipf-like frequencies: item k (0-based) has weight 1 / (k + 1)^s,
/// so the first words of a list are very common and the last ones rare.
public struct Zipf<T>: @unchecked Sendable {
    public let items: [T]
    private let cumulative: [Double]

    public init(_ items: [T], exponent s: Double = 1.0) {
        precondition(!items.isEmpty)
        self.items = items
        var sum = 0.0
        var c: [Double] = []
        c.reserveCapacity(items.count)
        for k in items.indices {
            sum += 1.0 / pow(Double(k + 1), s)
            c.append(sum)
        }
        cumulative = c.map { $0 / sum }
    }

    public func pick(_ rng: inout SplitMix64) -> T { items[index(rng.unit())] }

    /// Probability of item `k`.
    public func probability(_ k: Int) -> Double { cumulative[k] - (k == 0 ? 0 : cumulative[k - 1]) }

    private func index(_ u: Double) -> Int {
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
