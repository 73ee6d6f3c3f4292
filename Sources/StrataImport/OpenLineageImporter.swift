import StrataCatalog
public enum OpenLineageImporter {
    public static func plan(_ inputs: [String]) throws -> ImportPlan { ImportPlan() }
}
