package db

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector reads pool.Stat() at every scrape, as hub_db_pool_*
// metrics (docs/metrics-and-limits.md).
func PoolCollector(pool *pgxpool.Pool) prometheus.Collector {
	return poolCollector{pool: pool}
}

type poolCollector struct{ pool *pgxpool.Pool }

type poolMetric struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(*pgxpool.Stat) float64
}

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("hub_db_pool_"+name, help, nil, nil)
}

var poolMetrics = []poolMetric{
	{poolDesc("max_conns", "Largest size of the database connection pool (--db-max-conns)."), prometheus.GaugeValue,
		func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }},
	{poolDesc("total_conns", "Connections in the pool: acquired, idle and being opened."), prometheus.GaugeValue,
		func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }},
	{poolDesc("acquired_conns", "Connections in use by requests and jobs."), prometheus.GaugeValue,
		func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }},
	{poolDesc("idle_conns", "Idle connections in the pool."), prometheus.GaugeValue,
		func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }},
	{poolDesc("constructing_conns", "Connections being opened."), prometheus.GaugeValue,
		func(s *pgxpool.Stat) float64 { return float64(s.ConstructingConns()) }},
	{poolDesc("acquires_total", "Connections acquired from the pool."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) }},
	{poolDesc("acquire_seconds_total", "Time spent acquiring connections, waits included."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }},
	{poolDesc("empty_acquires_total", "Acquires that had to wait for a connection: none was idle (a pool too small, or slow statements)."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }},
	{poolDesc("empty_acquire_wait_seconds_total", "Time acquires waited because no connection was idle."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return s.EmptyAcquireWaitTime().Seconds() }},
	{poolDesc("canceled_acquires_total", "Acquires given up because the request's context ended."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return float64(s.CanceledAcquireCount()) }},
	{poolDesc("new_conns_total", "Connections opened."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return float64(s.NewConnsCount()) }},
	{poolDesc("max_lifetime_destroys_total", "Connections closed for reaching their maximum lifetime."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return float64(s.MaxLifetimeDestroyCount()) }},
	{poolDesc("max_idle_destroys_total", "Connections closed for being idle too long."), prometheus.CounterValue,
		func(s *pgxpool.Stat) float64 { return float64(s.MaxIdleDestroyCount()) }},
}

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range poolMetrics {
		ch <- m.desc
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	for _, m := range poolMetrics {
		ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(s))
	}
}
