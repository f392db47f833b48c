package db

type Querier interface{}
