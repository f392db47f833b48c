package resident

import "github.com/prometheus/client_golang/prometheus"

// Collector exposes the resident directory's counters as Prometheus
// metrics (docs/metrics-and-limits.md).
func Collector(d *Directory) prometheus.Collector { return collector{d: d} }

type collector struct{ d *Directory }

var (
	descVersion  = prometheus.NewDesc("hub_directory_resident_version", "The directory's version the replica holds in memory (0: none yet).", nil, nil)
	descLoads    = prometheus.NewDesc("hub_directory_resident_loads_total", "Loads of the shared directory into memory.", nil, nil)
	descFailures = prometheus.NewDesc("hub_directory_resident_load_failures_total", "Loads of the shared directory that failed (answers then come from SQL).", nil, nil)
	descLoadTime = prometheus.NewDesc("hub_directory_resident_last_load_seconds", "How long the last load of the shared directory took.", nil, nil)
	descAnswers  = prometheus.NewDesc("hub_directory_resident_answers_total", "waysIn answers, by where they came from: memory, or sql while memory was behind the current version or an organisation's internal part was being read.", []string{"source"}, nil)
)

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descVersion, descLoads, descFailures, descLoadTime, descAnswers} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	s := c.d.Stats()
	ch <- prometheus.MustNewConstMetric(descVersion, prometheus.GaugeValue, float64(s.Version.Load()))
	ch <- prometheus.MustNewConstMetric(descLoads, prometheus.CounterValue, float64(s.Loads.Load()))
	ch <- prometheus.MustNewConstMetric(descFailures, prometheus.CounterValue, float64(s.LoadFailures.Load()))
	ch <- prometheus.MustNewConstMetric(descLoadTime, prometheus.GaugeValue, float64(s.LastLoadNanos.Load())/1e9)
	ch <- prometheus.MustNewConstMetric(descAnswers, prometheus.CounterValue, float64(s.Hits.Load()), "memory")
	ch <- prometheus.MustNewConstMetric(descAnswers, prometheus.CounterValue, float64(s.Misses.Load()), "sql")
}
