module github.com/fascia-hmi/fascia

go 1.26
