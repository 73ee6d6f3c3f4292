import Foundation
import StrataCatalog
import StrataImport
import StrataTerminal
import StrataTestSupport
@testable import StrataUI

/// The fixture catalog folder, built once per test process.
let fixtureCatalogPath: String = {
    let out = try! makeTempDirectory("ui") + "/fixture.sqlite"
    try! CatalogBuild.build(folder: try! FixtureFolder().path, output: out)
    return out
}()

func makeApp(width: Int = 100, height: Int = 30, catalog: String = fixtureCatalogPath, noColor: Bool = false,
             keymap: Keymap = Keymap()) throws -> App {
    try App(catalog: try Catalog(path: catalog), width: width, height: height, theme: .fallback, noColor: noColor,
            keymap: keymap, catalogLabel: "fixture",
            themeProvider: ThemeProvider(names: ["default", "other"]) { name in
                name == "default" || name == "other" ? (Theme(name: name), nil) : nil
            })
}

extension App {
    /// Types each key name (as in keys.yaml) or, for longer words in quotes, their characters.
    func press(_ keys: String...) {
        for k in keys {
            if let key = Key(name: k) { handle(.key(key)) } else { for c in k { handle(.key(.char(c))) } }
        }
    }

    var screenText: String { render().text }
}

import StrataImport
enum StrataImportBridge {
    static func build(_ folder: String, _ out: String) throws { try CatalogBuild.build(folder: folder, output: out) }
}
