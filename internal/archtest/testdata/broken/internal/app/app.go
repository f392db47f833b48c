package app

type Work struct{}

func (w *Work) Tx() any { return nil }
