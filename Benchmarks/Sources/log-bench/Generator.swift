import Foundation

/// Writes an Airflow 2 task log of a given size: ordinary INFO and WARNING records, every
/// ~40 MB a recovered decoy (an ERROR record, or a traceback, then "succeeded after N
/// retries"), and near the end the real failure: a chained traceback (ValueError, then the
/// exception raised from it) printed twice as Airflow 2.10 does. Deterministic; the file is
/// reused when its size matches.
enum Generator {
    struct Expected { var lines: Int; var rootLine: Int; var decoys: Int }

    static let version = 1

    static func ensure(path: String, bytes target: Int) throws -> Expected {
        let meta = path + ".meta"
        if let m = try? String(contentsOfFile: meta, encoding: .utf8) {
            let parts = m.split(separator: " ").compactMap { Int($0) }
            if parts.count == 5, parts[0] == version, parts[1] == target,
               let attrs = try? FileManager.default.attributesOfItem(atPath: path), (attrs[.size] as? Int) ?? 0 > 0 {
                return Expected(lines: parts[2], rootLine: parts[3], decoys: parts[4])
            }
        }
        FileHandle.standardError.write(Data("generating \(path) (\(target >> 20) MB)...\n".utf8))
        let e = try write(path: path, bytes: target)
        try "\(version) \(target) \(e.lines) \(e.rootLine) \(e.decoys)".write(toFile: meta, atomically: true, encoding: .utf8)
        return e
    }

    static func write(path: String, bytes target: Int) throws -> Expected {
        guard let out = fopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
        defer { fclose(out) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 << 20)
        var written = 0
        var lines = 0
        var decoys = 0
        var seconds = 0
        var rng = UInt64(0x9E3779B97F4A7C15)
        func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        func flush() { buffer.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, out) }; written += buffer.count; buffer.removeAll(keepingCapacity: true) }
        func ts() -> String {
            let h = (seconds / 3600) % 24, m = (seconds / 60) % 60, s = seconds % 60
            return String(format: "[2026-11-22T%02d:%02d:%02d.%03d+0000]", h, m, s, Int(next() % 1000))
        }
        func line(_ s: String) { buffer.append(contentsOf: s.utf8); buffer.append(0x0A); lines += 1; if buffer.count >= 8 << 20 { flush() } }
        let sources = ["{taskinstance.py:2614}", "{spark_submit.py:644}", "{subprocess.py:106}", "{s3.py:212}", "{sql.py:511}", "{base.py:84}"]
        let messages = [
            "INFO - Processing partition dt=2026-11-21/hour=%02d batch %d: %d rows read, %d rows written",
            "INFO - 26/11/22 03:08:36 INFO TaskSetManager: Finished task %d.0 in stage 3.0 (TID %d) in %d ms on ip-10-42-7-19 (executor 9) (%d/400)",
            "INFO - Uploaded s3://basketly-lake/clickstream/sessions/dt=2026-11-21/part-%05d-%d.snappy.parquet (%d bytes) in %d ms",
            "INFO - Running statement: INSERT INTO analytics.sessions_stage SELECT * FROM raw.events WHERE hour = %d AND batch = %d LIMIT %d OFFSET %d",
            "INFO - Heartbeat: task still running, %d of %d batches done, %d rows so far, last batch %d ms",
        ]
        let tail = 2 << 20
        var nextDecoy = 40 << 20
        line("\(ts()) {local_task_job_runner.py:123} INFO - ::group::Pre task execution logs")
        line("\(ts()) {taskinstance.py:2867} INFO - starting task attempt 1 of 1")
        while written + buffer.count < target - tail {
            seconds += Int(next() % 2)
            let r = Int(next() % 1000)
            if written + buffer.count >= nextDecoy {
                nextDecoy += 40 << 20
                decoys += 1
                if decoys % 2 == 1 {
                    line("\(ts()) {s3.py:80} ERROR - Connection reset by peer while reading s3://basketly-lake/raw/part-\(r).parquet; retrying (1/3)")
                    line("\(ts()) {s3.py:95} INFO - read of s3://basketly-lake/raw/part-\(r).parquet succeeded after 1 retry")
                } else {
                    line("\(ts()) {http.py:120} ERROR - Request to https://api.vendor.example/v2/orders?page=\(r) failed")
                    line("Traceback (most recent call last):")
                    line("  File \"/opt/airflow/plugins/vendor/http.py\", line 118, in get")
                    line("    resp.raise_for_status()")
                    line("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.vendor.example', port=443): Read timed out. (read timeout=30)")
                    line("\(ts()) {http.py:131} INFO - request to https://api.vendor.example/v2/orders?page=\(r) succeeded after 2 retries")
                }
                continue
            }
            if r < 3 {
                line("\(ts()) {logging_mixin.py:190} WARNING - slow batch \(r): \(Int(next() % 90000)) ms (threshold 60000 ms)")
                continue
            }
            let m = messages[r % messages.count]
            let text = String(format: m, Int(next() % 24), Int(next() % 10000), Int(next() % 1_000_000), Int(next() % 100000))
            line("\(ts()) \(sources[r % sources.count]) \(text)")
        }
        // The real failure, printed twice.
        let failureStart = lines
        func traceback(_ header: String) {
            line("\(ts()) \(header)")
            line("Traceback (most recent call last):")
            line("  File \"/opt/airflow/dags/orders_daily_pipeline.py\", line 67, in validate_payments")
            line("    amounts = _load_payment_amounts(path)")
            line("  File \"/opt/airflow/dags/orders_daily_pipeline.py\", line 53, in _parse_amount")
            line("    return round(float(raw) * 100)")
            line("ValueError: could not convert string to float: '12.5O'")
            line("")
            line("The above exception was the direct cause of the following exception:")
            line("")
            line("Traceback (most recent call last):")
            line("  File \"/opt/airflow/dags/orders_daily_pipeline.py\", line 69, in validate_payments")
            line("    raise PaymentValidationError(")
            line("orders_daily_pipeline.PaymentValidationError: payments extract payments_20261121.csv failed validation: malformed amount")
        }
        traceback("{taskinstance.py:3313} ERROR - Task failed with exception")
        let rootLine = failureStart + 7
        line("\(ts()) {taskinstance.py:1226} INFO - Marking task as FAILED. dag_id=orders_daily_pipeline, task_id=validate_payments")
        traceback("{standard_task_runner.py:124} ERROR - Failed to execute job 9 for task validate_payments (payments extract failed validation: malformed amount; 8535)")
        line("\(ts()) {local_task_job_runner.py:266} INFO - Task exited with return code 1")
        while written + buffer.count < target - 200 {
            line("\(ts()) {local_task_job_runner.py:245} INFO - ::endgroup:: post task execution logs, padding to the planned size")
        }
        line("\(ts()) {local_task_job_runner.py:245} INFO - last line of the generated log")
        flush()
        return Expected(lines: lines, rootLine: rootLine, decoys: decoys)
    }
}
