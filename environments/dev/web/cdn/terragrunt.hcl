terraform {
  source = "git::https://git.example.com/infra/cdn.git//modules/cdn?ref=v2.4.0"
}

inputs = {
  domain = "www.dev.shop.example.com"
}
