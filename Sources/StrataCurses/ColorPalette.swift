/// Maps 24-bit colours onto the palettes of terminals that lack them.
public enum ColorPalette {
    /// The nearest xterm-256 colour, among the 6x6x6 cube and the grey ramp (16-255). The first
    /// 16 are left out: terminals theme them, so their real colour is unknown.
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeIndex(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in levels.enumerated() where abs(l - Int(v)) < abs(levels[best] - Int(v)) { best = i }
            return best
        }
        let (ri, gi, bi) = (cubeIndex(r), cubeIndex(g), cubeIndex(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeDistance = distance((levels[ri], levels[gi], levels[bi]), (Int(r), Int(g), Int(b)))
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = max(0, min(23, (average - 8 + 5) / 10))
        let grey = 8 + greyIndex * 10
        let greyDistance = distance((grey, grey, grey), (Int(r), Int(g), Int(b)))
        return greyDistance < cubeDistance ? 232 + greyIndex : cube
    }

    /// The nearest of the 8 basic ANSI colours.
    public static func nearest8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let basic = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                     (229, 229, 229)]
        var best = 0, bestDistance = Int.max
        for (i, c) in basic.enumerated() {
            let d = distance(c, (Int(r), Int(g), Int(b)))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }

    /// Squared distance, weighted for how the eye sees (green most, blue least).
    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}
