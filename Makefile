# Two commands for a fresh machine: `make demo`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    := out

.PHONY: install demo test eval bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the CPU build first: otherwise torch's newest CUDA wheels (several GB) are pulled in
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	# Debian's chromium for the end-to-end tests (Playwright drives it by path; no browser download)
	command -v chromium >/dev/null 2>&1 || apt-get install -y -q chromium >/dev/null 2>&1 \
		|| (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1) \
		|| echo "warning: chromium not installed; the end-to-end web tests will skip"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## analyze the bundled sample into out/
	$(BIN)/newsprism analyze examples/istanbul-2025/raw --db sqlite:///$(OUT)/demo.db \
		--json $(OUT)/report.json --html $(OUT)/report.html
	@echo "Web app on the demo store: $(BIN)/newsprism serve --db sqlite:///$(OUT)/demo.db --open  ->  http://127.0.0.1:8000/"

test: $(STAMP)  ## the whole test suite (PostgreSQL too when NEWSPRISM_TEST_PG is set)
	$(BIN)/ruff check src tests scripts
	$(BIN)/pytest -q

.PHONY: fuzz-web
fuzz-web: $(STAMP)  ## the property-based web runs (schema + pages) with 2,000 examples each instead of make test's 60
	NEWSPRISM_FUZZ_EXAMPLES=2000 nice $(BIN)/pytest -q tests/test_web_openapi.py

.PHONY: fuzz
fuzz: $(STAMP)  ## 1,000,000 fuzzed files through ingest + clean + store (SQLite), parallel chunks; findings in out/fuzz
	nice $(BIN)/python scripts/fuzz.py --inputs 1000000 --out $(OUT)/fuzz

eval: $(STAMP)  ## quality figures against gold data
	$(BIN)/python -m newsprism.evaluation

bench: $(STAMP)  ## throughput and peak memory
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_pipeline.py --json $(OUT)/bench_pipeline.json
	$(BIN)/python scripts/bench_stories.py --json $(OUT)/bench_stories.json
	$(BIN)/python scripts/bench_stories.py --add 50 --store-size 100000 --encoder hashed
	$(BIN)/python scripts/bench_stories.py --embedders
	$(BIN)/python scripts/bench_web.py --json $(OUT)/bench_web.json
	$(BIN)/python scripts/bench_claims.py --json $(OUT)/bench_claims.json
	$(BIN)/python scripts/bench_claims.py --embed-speed --json $(OUT)/bench_embed.json
	$(BIN)/python scripts/bench_contradictions.py --json $(OUT)/bench_contradictions.json
	$(BIN)/python scripts/bench_nlp.py --json $(OUT)/bench_nlp.json
	$(BIN)/python scripts/bench_ner.py --json $(OUT)/bench_ner.json
	$(BIN)/python scripts/bench_entities.py --json $(OUT)/bench_entities.json
	$(BIN)/python scripts/bench_parses.py --json $(OUT)/bench_parses.json

.PHONY: train-nlp
train-nlp: $(STAMP)  ## re-train the shipped syntax and NER models from ../shared/data/nlp (under 90 min on 2 cores)
	$(BIN)/python -c "import transformers" 2>/dev/null || $(BIN)/pip install -q -e '.[dev,train]'
	nice $(BIN)/python -m newsprism.nlp.training.syntax
	# the NER ensemble: one member on EWT+GUM (seed 0), one with the Broad Twitter Corpus added (seed 2)
	nice $(BIN)/python -m newsprism.nlp.training.ner --seed 0 --out build/nlp/ner-seed0
	nice $(BIN)/python -m newsprism.nlp.training.ner --seed 2 --extra btc --out build/nlp/ner-btc-seed2
	nice $(BIN)/python -m newsprism.nlp.training.ner_ensemble build/nlp/ner-seed0 build/nlp/ner-btc-seed2

.PHONY: train-ner-student
train-ner-student: $(STAMP)  ## the 3-layer distilled NER candidate (not shipped; README of nlp/models) into build/nlp/ner-student (~25 min on 2 loaded cores)
	$(BIN)/python -c "import transformers" 2>/dev/null || $(BIN)/pip install -q -e '.[dev,train]'
	test -f build/nlp/ner-btc-seed2/ner.onnx || nice $(BIN)/python -m newsprism.nlp.training.ner --seed 2 --extra btc --out build/nlp/ner-btc-seed2
	nice $(BIN)/python -m newsprism.nlp.training.ner_distil --init build/nlp/ner-btc-seed2 --layers 3 --epochs 1 \
		--max-steps 220 --news-limit 3000 --out build/nlp/ner-student
	$(BIN)/python scripts/bench_ner.py shipped shipped:1 build/nlp/ner-student --json $(OUT)/bench_ner.json

.PHONY: train-nli
train-nli: $(STAMP)  ## re-train the shipped NLI cross-encoder from ../shared/data/nli (~40 min on 2 cores) and print its figures
	$(BIN)/python -c "import transformers" 2>/dev/null || $(BIN)/pip install -q -e '.[dev,train]'
	nice $(BIN)/python -m newsprism.claims.nli.training --work build/nli/work
	nice $(BIN)/python -m newsprism.claims.nli.evaluate --fp32 build/nli/work/nli-fp32.onnx --symmetric

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

clean:
	rm -rf $(OUT) build *.egg-info src/*.egg-info
