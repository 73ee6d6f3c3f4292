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

    /// The closest of the 8 basic ANSI colours by hue: a nearest-by-distance match sends every
    /// light theme colour to white, losing the red/green/yellow that tell states apart. Greys
    /// go to black or white by lightness.
    public static func nearest8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let (rf, gf, bf) = (Double(r), Double(g), Double(b))
        let maxc = max(rf, gf, bf), minc = min(rf, gf, bf)
        if maxc - minc < 40 { return (maxc + minc) / 2 < 100 ? 0 : 7 }
        var hue: Double
        if maxc == rf { hue = 60 * ((gf - bf) / (maxc - minc)) }
        else if maxc == gf { hue = 60 * ((bf - rf) / (maxc - minc)) + 120 }
        else { hue = 60 * ((rf - gf) / (maxc - minc)) + 240 }
        if hue < 0 { hue += 360 }
        switch hue {
        case 30..<75: return 3      // yellow
        case 75..<150: return 2     // green
        case 150..<195: return 6    // cyan
        case 195..<265: return hue < 205 ? 6 : 4   // sky blues read as cyan, deep ones as blue
        case 265..<330: return 5    // magenta
        default: return 1           // red
        }
    }

    /// Squared distance, weighted for how the eye sees (green most, blue least).
    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}
