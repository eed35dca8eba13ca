"""The integration apps' own pieces (integ/): the search function and the snapshot's assertions."""
