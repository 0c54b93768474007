// The tests start clusters of several nodes, some as processes; one at a time keeps a 2-core machine from starving
// the membership probes of a cluster that another test is loading.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
