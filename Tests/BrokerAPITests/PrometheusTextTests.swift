import Testing

@testable import BrokerAPI

@Suite struct PrometheusTextTests {
    @Test func labelValuesEscapeBackslashQuoteAndLineFeed() {
        #expect(PrometheusText.escapeLabelValue("plain-pool_1") == "plain-pool_1")
        #expect(PrometheusText.escapeLabelValue(#"say "hi""#) == #"say \"hi\""#)
        #expect(PrometheusText.escapeLabelValue(#"C:\dir\"#) == #"C:\\dir\\"#)
        #expect(PrometheusText.escapeLabelValue("two\nlines") == #"two\nlines"#)
        #expect(PrometheusText.escapeLabelValue("\\\"\n") == #"\\\"\n"#)
        #expect(PrometheusText.escapeLabelValue("tab\tstays, ünïcode too") == "tab\tstays, ünïcode too")
    }

    @Test func helpEscapesBackslashAndLineFeedButNotQuotes() {
        #expect(PrometheusText.escapeHelp(#"a "b" \c"# + "\nd") == #"a "b" \\c\nd"#)
    }

    @Test func numbersAreWrittenTheSameInEveryLocale() {
        #expect(UInt64(12_345_678_901).exposition == "12345678901")
        #expect(Int64(-7).exposition == "-7")
        #expect(Double(5).exposition == "5")
        #expect(Double(0.005).exposition == "0.005")
        #expect(Double(2.5).exposition == "2.5")
        #expect(Double(0.00001).exposition == "1e-05")
        #expect(Double(1e20).exposition == "1e+20")
        #expect(Double.infinity.exposition == "+Inf")
        #expect((-Double.infinity).exposition == "-Inf")
        #expect(Double.nan.exposition == "NaN")
    }

    @Test func familiesHaveOneHelpAndOneTypeAndTheBodyEndsWithANewline() {
        var text = PrometheusText()
        text.family("demo_total", .counter, help: "A demo\nwith two lines.")
        text.sample("demo_total", [("pool", "a\"b"), ("state", "x")], UInt64(3))
        text.sample("demo_total", [("pool", "c")], UInt64(0))
        text.single("demo_ratio", .gauge, help: "A ratio.", 0.25)

        #expect(
            text.text == """
                # HELP demo_total A demo\\nwith two lines.
                # TYPE demo_total counter
                demo_total{pool="a\\"b",state="x"} 3
                demo_total{pool="c"} 0
                # HELP demo_ratio A ratio.
                # TYPE demo_ratio gauge
                demo_ratio 0.25

                """
        )
        #expect(text.bytes.last == UInt8(ascii: "\n"))
    }

    @Test func histogramBucketsAreCumulativeWithCountAndSum() {
        let histogram = LatencyHistogram(series: 2)
        for nanoseconds: UInt64 in [300_000, 500_000, 3_000_000, 20_000_000_000] {
            histogram.observe(nanoseconds: nanoseconds, series: 1)
        }

        let snapshot = histogram.snapshot(series: 1)
        #expect(snapshot.buckets == [2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4])
        #expect(snapshot.count == 4)
        #expect(abs(snapshot.sumSeconds - 20.0038) < 1e-9)
        #expect(histogram.snapshot(series: 0).buckets == Array(repeating: 0, count: 15))

        var text = PrometheusText()
        histogram.write(to: &text, name: "demo_seconds", help: "Demo.", labels: { [("route", "r\($0)")] })
        let samples = ExpositionSamples(text.text)
        #expect(samples.comments == ["# HELP demo_seconds Demo.", "# TYPE demo_seconds histogram"])
        #expect(samples[#"demo_seconds_bucket{route="r1",le="0.0005"}"#] == 2)
        #expect(samples[#"demo_seconds_bucket{route="r1",le="0.005"}"#] == 3)
        #expect(samples[#"demo_seconds_bucket{route="r1",le="10"}"#] == 3)
        #expect(samples[#"demo_seconds_bucket{route="r1",le="+Inf"}"#] == 4)
        #expect(samples[#"demo_seconds_count{route="r1"}"#] == 4)
        #expect(samples.values[#"demo_seconds_sum{route="r1"}"#] == "20.0038")
        #expect(samples[#"demo_seconds_count{route="r0"}"#] == 0)
    }

    @Test func routeTemplatesNeverCarryIdsOrPoolNames() {
        #expect(
            RouteTemplate(Route(path: "/pools/tele-gram/sessions/abc%2Fdef/lock")).label
                == "/pools/{pool}/sessions/{id}/lock"
        )
        #expect(RouteTemplate(Route(path: "/sessions/acc-2")).label == "/sessions/{id}")
        #expect(RouteTemplate(Route(path: "/sessions/lease")).label == "/sessions/lease")
        #expect(RouteTemplate(Route(path: "/pools/p/sessions/count")).label == "/pools/{pool}/sessions/count")
        #expect(RouteTemplate(Route(path: "/stats")).label == "/stats")
        #expect(RouteTemplate(Route(path: "/wp-admin/x.php")).label == "other")
        #expect(Set(RouteTemplate.all).count == RouteTemplate.all.count)
        #expect(RouteTemplate.all.count == 22)
    }
}
