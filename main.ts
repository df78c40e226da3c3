// Placeholder entry until the CLI lands (owned by the CLI work): prints the version.
console.log("strata 0.1.0");
