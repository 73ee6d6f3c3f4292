import StrataCurses
import Testing

@Suite struct ColorPaletteTests {
    @Test func cubeAndGreyColoursMapExactly() {
        #expect(ColorPalette.nearest256(0xff, 0x00, 0x00) == 196)
        #expect(ColorPalette.nearest256(0x00, 0x00, 0x00) == 16)
        #expect(ColorPalette.nearest256(0xff, 0xff, 0xff) == 231)
        #expect(ColorPalette.nearest256(0x5f, 0xaf, 0xd7) == 74)
        #expect(ColorPalette.nearest256(0x80, 0x80, 0x80) == 244)   // a grey goes to the grey ramp
    }

    @Test func nearestOfEight() {
        #expect(ColorPalette.nearest8(0xd7, 0x5f, 0x5f) == 1)   // red
        #expect(ColorPalette.nearest8(0x5f, 0xaf, 0x5f) == 2)   // green
        #expect(ColorPalette.nearest8(0x20, 0x20, 0x20) == 0)   // black
        #expect(ColorPalette.nearest8(0xee, 0xee, 0xee) == 7)   // white
        #expect(ColorPalette.nearest8(0xd7, 0xaf, 0x00) == 3)   // the warn yellow stays yellow
        #expect(ColorPalette.nearest8(0x30, 0x5f, 0x8f) == 4)   // a selection blue stays blue
        #expect(ColorPalette.nearest8(0xff, 0x87, 0xaf) == 1 || ColorPalette.nearest8(0xff, 0x87, 0xaf) == 5)
    }
}
