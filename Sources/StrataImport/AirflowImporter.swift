import StrataCatalog
public enum AirflowImporter {
    public static func plan(_ inputs: [String]) throws -> ImportPlan { ImportPlan() }
}
