import DossierCore
import Foundation

extension FuzzTarget {
    /// `dossier events validate` input: one object, an array or JSON lines.
    public static let eventsValidate = FuzzTarget(
        name: "events-validate", summary: "`events validate` input (object, array or JSON lines)"
    ) { data in
        let report = EventFileValidator.validate(data)
        FuzzTarget.check(report.invalid <= report.total, "more invalid events than events")
        FuzzTarget.check(report.invalid == 0 || !report.problems.isEmpty, "invalid events without a problem line")
        for problem in report.problems { FuzzChecks.printable(problem, "problem line") }
        if let event = try? EventEnvelope(validating: data) { FuzzChecks.roundTrip(event) }
    }
}
