def test_home_lists_the_published_guides_and_the_privacy_promise(client, published):
    page = client.get("/").content.decode()
    assert 'href="/guides/linkedin/"' in page
    assert "Our privacy promise" in page


def test_privacy_page_says_nothing_is_stored_until_the_first_tick(client, db):
    page = client.get("/privacy/").content.decode()
    assert "Nothing, while you read" in page


def test_healthz_answers_with_a_tiny_json_body(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_refuse_writes(client, published):
    assert client.post("/guides/linkedin/").status_code == 405
