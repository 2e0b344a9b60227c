module goloom.io/jmh/gotwins

go 1.19
