<?php
// strtotime.php prints the verdicts in strtotime.tsv: it reads one X-Date
// per line and prints the line, a tab, then "false" or the Unix time
// strtotime gives it and that instant in UTC. date.timezone is UTC (PHP's
// default when it is unset; the real server's is unknown) and "now" is
// 2016-07-04T14:01:02Z, for the relative forms strtotime also reads. It is
// not part of the build; the fake's tests do not need PHP. Regenerate
// (from e24/e24test) with
//
//	grep -v '^#' testdata/strtotime.tsv | cut -f1 | php testdata/strtotime.php > /tmp/new.tsv
//
// and compare with the committed file.
date_default_timezone_set('UTC');
$now = 1467640862;
echo "# PHP ", PHP_VERSION, ", strtotime(line, 1467640862) with date.timezone UTC, run ", gmdate('Y-m-d'),
    ": input, then false or the Unix time and its UTC instant\n";
while (($line = fgets(STDIN)) !== false) {
    $line = rtrim($line, "\n");
    if ($line !== '' && $line[0] === '#') continue;
    $t = strtotime($line, $now);
    echo $line, "\t", $t === false ? "false" : $t . "\t" . gmdate('Y-m-d\TH:i:s\Z', $t), "\n";
}
