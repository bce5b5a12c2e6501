"""advocate: case files and repatriation letters for advocates of Uzbek citizens held in Russia."""
